"""Marking a case sensitive and lifting it. Sensitivity follows the family (see
``cases.access``): marking a case marks its child and the child's family, so every case of the
family is sensitive; only a manager lifts it, for the whole family, with a reason."""

from django.db import transaction
from django.db.models import F

from .. import access
from ..errors import CaseError
from ..models import Address, Carer, Child, Episode, Family
from ..selectors import family_cases_q
from .events import event_record


def _group_episodes(child: Child):
    """Every case of the child's family (or of the child alone), locked."""
    return (
        Episode.objects.filter(family_cases_q(child=child))
        .select_related("child__family")
        .select_for_update(of=("self",))
    )


def _record(episodes, *, verb: str, by, payload: dict) -> None:
    for episode in episodes:
        Episode.objects.filter(pk=episode.pk).update(version=F("version") + 1)
        episode.refresh_from_db(fields=["version"])
        event_record(
            actor=by, verb=verb, episode=episode, payload={"version": episode.version, **payload}
        )


@transaction.atomic
def sensitivity_mark(*, episode: Episode, by, reason: str = "") -> list[Episode]:
    """Mark the case, its child and its family sensitive. Every case of the family that was
    not sensitive before gets a History entry; returns those cases."""
    child = Child.objects.select_related("family").get(pk=episode.child_id)
    group = list(_group_episodes(child))
    newly = [each for each in group if not access.is_sensitive(each)]
    Episode.objects.filter(pk=episode.pk).update(is_sensitive=True)
    Child.objects.filter(pk=child.pk).update(is_sensitive=True)
    if child.family_id:
        Family.objects.filter(pk=child.family_id).update(is_sensitive=True)
        Child.objects.filter(family_id=child.family_id).update(is_sensitive=True)
    _record(newly, verb="sensitivity.marked", by=by,
            payload={"marked_on": episode.reference, "reason": reason})  # fmt: skip
    return newly


@transaction.atomic
def sensitivity_lift(
    *, episode: Episode, reason: str, by, show_addresses=(), show_carers=()
) -> list[Episode]:
    """A manager lifts the family's sensitivity, with a reason: every case of the family, the
    children and the family itself. Addresses and carers marked sensitive stay hidden unless
    named in ``show_addresses`` / ``show_carers``. Returns the cases it changed."""
    if not reason.strip():
        raise CaseError("Give the reason for lifting the sensitivity.")
    if not by.has_perm(access.PERMISSION[access.Action.LIFT_SENSITIVITY]):
        raise CaseError("Only a manager can lift sensitivity.")
    child = Child.objects.select_related("family").get(pk=episode.child_id)
    group = list(_group_episodes(child))
    changed = [each for each in group if access.is_sensitive(each)]
    if not changed:
        raise CaseError("This case is not sensitive.")
    Episode.objects.filter(pk__in=[each.pk for each in group]).update(is_sensitive=False)
    if child.family_id:
        family = child.family_id
        Family.objects.filter(pk=family).update(is_sensitive=False)
        Child.objects.filter(family_id=family).update(is_sensitive=False)
        Address.objects.filter(family_id=family, pk__in=show_addresses).update(is_sensitive=False)
        Carer.objects.filter(family_id=family, pk__in=show_carers).update(is_sensitive=False)
    else:
        Child.objects.filter(pk=child.pk).update(is_sensitive=False)
    payload = {
        "lifted_on": episode.reference,
        "reason": reason,
        "addresses_shown": len(show_addresses),
        "carers_shown": len(show_carers),
    }
    _record(changed, verb="sensitivity.lifted", by=by, payload=payload)
    return changed


def sensitivity_spread(*, children) -> None:
    """After children join families or cases are written in bulk (an import): a sensitive
    case marks its child, a sensitive child its family, a sensitive family its children.

    Each step names the families by id (``family_id IN …``), never by joining the children
    to their families and back: with statistics older than an import, that join of a table
    with itself was planned as nested loops and took minutes over a few hundred children."""
    children.filter(is_sensitive=False, episodes__is_sensitive=True).update(is_sensitive=True)
    families = children.filter(family_id__isnull=False).values("family_id")
    Family.objects.filter(is_sensitive=False, pk__in=families.filter(is_sensitive=True)).update(
        is_sensitive=True
    )
    sensitive = Family.objects.filter(is_sensitive=True, pk__in=families).values("pk")
    Child.objects.filter(is_sensitive=False, family_id__in=sensitive).update(is_sensitive=True)
