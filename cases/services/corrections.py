"""Correcting the record: a child's details, a family's carers and addresses.

Each change is checked as at intake, refused from a stale page (the version of the case the
page showed), and told, before and after, in the History of every case of that child or
family. A move is a new address with its start date: the one before it ends that day, so
earlier cases keep the address they had.
"""

from datetime import date

from django.db import transaction
from django.db.models import Min

from ..errors import CaseError
from ..models import Address, Carer, Child, Episode
from ..selectors import family_cases_q
from .events import apply_changes, event_record
from .locking import bump_version, episode_for_update
from .people import child_join_family, family_create, family_item

CHILD_FIELDS = [
    "forename", "surname", "preferred_name", "other_names", "date_of_birth", "gender",
    "ethnicity", "upn", "former_upn", "fsm_eligible", "sen_status", "first_language",
]  # fmt: skip
CARER_FIELDS = ["name", "relationship", "phone", "email", "ended_on"]
ADDRESS_FIELDS = ["line_1", "line_2", "town", "postcode", "area", "start_date", "end_date"]


def _cases(episode: Episode, expected_version, **group) -> list[Episode]:
    """The case the page came from, checked for staleness, then every case of the group,
    locked in a fixed order."""
    episode_for_update(episode.pk, expected_version)
    return list(Episode.objects.filter(family_cases_q(**group)).select_for_update().order_by("pk"))


def _tell(cases, *, by, verb: str, payload: dict) -> None:
    for case in cases:
        event_record(actor=by, verb=verb, episode=case,
                     payload={"version": bump_version(case, []), **payload})  # fmt: skip


def _only(fields: dict, allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not correctable here: {sorted(unknown)}")


@transaction.atomic
def child_update(*, episode: Episode, expected_version: int, by, **fields) -> Child:
    """Correct the child's own details: the same checks as at intake."""
    _only(fields, CHILD_FIELDS)
    for name in ("upn", "former_upn"):
        if name in fields:
            fields[name] = (fields[name] or "").replace(" ", "").upper()
    child = Child.objects.select_for_update().get(pk=episode.child_id)
    upn = fields.get("upn")
    if upn:
        holder = Child.objects.filter(upn=upn).exclude(pk=child.pk).first()
        if holder is not None:
            raise CaseError(f"This UPN already belongs to another child, {holder.reference}.")
    born = fields.get("date_of_birth")
    first = child.episodes.aggregate(first=Min("referral_date"))["first"]
    if born and first and born > first:
        raise CaseError(f"The date of birth must be before the child's first referral, "
                        f"{first:%-d %B %Y}.")  # fmt: skip
    cases = _cases(episode, expected_version, child=child)
    changes = apply_changes(child, fields)
    if changes:
        child.save(update_fields=[*changes, "updated_at"])
        _tell(cases, by=by, verb="child.updated", payload={"child": child.pk, **changes})
    return child


def _family(episode: Episode, by):
    """The child's family, made for them if they have none yet."""
    child = episode.child
    if child.family is None:
        family = family_create(by=by)
        child_join_family(child=child, family=family, by=by)
        child.refresh_from_db(fields=["family"])
    return child.family


@transaction.atomic
def carer_add(*, episode: Episode, expected_version: int, by, **fields) -> Carer:
    _only(fields, CARER_FIELDS)
    family = _family(episode, by)
    cases = _cases(episode, expected_version, family=family)
    carer = Carer.objects.create(family=family, **family_item(family, fields))
    _tell(cases, by=by, verb="family.carer_added",
          payload={"carer": carer.pk, **{name: {"before": None, "after": value}
                                         for name, value in fields.items() if value}})  # fmt: skip
    return carer


@transaction.atomic
def carer_update(*, carer: Carer, episode: Episode, expected_version: int, by, **fields) -> Carer:
    """Change a carer's details, or end them (``ended_on``): they stay on record."""
    _only(fields, CARER_FIELDS)
    carer = Carer.objects.select_for_update().get(pk=carer.pk, family=episode.child.family_id)
    cases = _cases(episode, expected_version, family=carer.family)
    changes = apply_changes(carer, fields)
    if changes:
        carer.save(update_fields=list(changes))
        _tell(cases, by=by, verb="family.carer_changed", payload={"carer": carer.pk, **changes})
    return carer


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise CaseError("The date the family left must be on or after the date they moved in.")


@transaction.atomic
def address_add(*, episode: Episode, expected_version: int, by, **fields) -> Address:
    """The family moved: a new address from its start date; the one they lived at before
    ends that day."""
    _only(fields, ADDRESS_FIELDS)
    if not fields.get("start_date"):
        raise CaseError("Enter the date the family moved to the address.")
    _check_dates(fields["start_date"], fields.get("end_date"))
    family = _family(episode, by)
    cases = _cases(episode, expected_version, family=family)
    ended = family.addresses.filter(end_date__isnull=True, start_date__lte=fields["start_date"])
    ended_count = ended.update(end_date=fields["start_date"])
    address = Address.objects.create(family=family, **family_item(family, fields))
    _tell(cases, by=by, verb="family.address_added",
          payload={"address": address.pk, "addresses_ended": ended_count,
                   **{name: {"before": None, "after": value}
                      for name, value in fields.items() if value}})  # fmt: skip
    return address


@transaction.atomic
def address_update(
    *, address: Address, episode: Episode, expected_version: int, by, **fields
) -> Address:
    """Correct an address as recorded (a mistyped line, its dates): not a move."""
    _only(fields, ADDRESS_FIELDS)
    family = episode.child.family_id
    address = Address.objects.select_for_update().get(pk=address.pk, family=family)
    _check_dates(
        fields.get("start_date", address.start_date), fields.get("end_date", address.end_date)
    )
    cases = _cases(episode, expected_version, family=address.family)
    changes = apply_changes(address, fields)
    if changes:
        address.save(update_fields=list(changes))
        _tell(cases, by=by, verb="family.address_changed",
              payload={"address": address.pk, **changes})  # fmt: skip
    return address
