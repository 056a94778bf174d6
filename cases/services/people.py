"""Children and families: created at intake, before any episode."""

from django.db import transaction

from ..models import Address, Carer, Child, Episode, Family
from .events import event_record
from .sensitivity import sensitivity_spread


def family_item(family: Family, fields: dict) -> dict:
    """A carer's or address's fields as a family keeps them: what a sensitive family is given
    is itself sensitive, and stays hidden after a lift."""
    return {**fields, "is_sensitive": True} if family.is_sensitive else dict(fields)


@transaction.atomic
def family_create(*, by, carers: list[dict] = (), addresses: list[dict] = ()) -> Family:
    """A new sibling group with its parents or carers and addresses."""
    family = Family.objects.create()
    for carer in carers:
        Carer.objects.create(family=family, **carer)
    for address in addresses:
        Address.objects.create(family=family, **address)
    event_record(
        actor=by,
        verb="family.created",
        episode=None,
        payload={"family": family.pk, "carers": len(carers), "addresses": len(addresses)},
    )
    return family


@transaction.atomic
def child_create(*, by, **fields) -> Child:
    """A child not known before. The UPN, when given, is stored upper-case."""
    fields["upn"] = (fields.get("upn") or "").strip().upper()
    family = fields.get("family")
    if family is not None and family.is_sensitive:
        fields["is_sensitive"] = True
    child = Child.objects.create(**fields)
    event_record(actor=by, verb="child.created", episode=None, payload={"child": child.pk})
    return child


@transaction.atomic
def child_join_family(*, child: Child, family: Family, by) -> Child:
    """Put a known child with no family into a sibling group found at a later referral."""
    if child.family_id and child.family_id != family.pk:
        return child
    if child.family_id is None:
        child.family = family
        child.save(update_fields=["family", "updated_at"])
        sensitivity_spread(children=Child.objects.filter(pk=child.pk))
        event_record(
            actor=by, verb="child.joined_family", episode=None,
            payload={"child": child.pk, "family": family.pk},
        )  # fmt: skip
    return child


@transaction.atomic
def child_move_family(*, child: Child, family: Family, by, referral=None) -> Child:
    """Move a known child into another family (a referral's new one): every case of the
    child, and of the family left, says so. Sensitivity follows the child into it."""
    left = child.family
    if left is not None and left.pk == family.pk:
        return child
    child.family = family
    child.save(update_fields=["family", "updated_at"])
    sensitivity_spread(children=Child.objects.filter(pk=child.pk))
    payload = {"child": child.pk, "family": {"before": left.reference if left else None,
                                             "after": family.reference},
               "referral": referral.reference if referral else None}  # fmt: skip
    affected = Episode.objects.filter(child=child)
    if left is not None:
        affected = affected | Episode.objects.filter(child__family=left)
    for episode in affected.distinct():
        event_record(actor=by, verb="child.moved_family", episode=episode, payload=payload)
    return child


@transaction.atomic
def family_add_details(
    *,
    family: Family,
    by,
    carers: list[dict] = (),
    addresses: list[dict] = (),
    end_earlier: bool = True,
    referral=None,
) -> Family:
    """Add carers and a newer address to a known family; earlier addresses end where it starts
    (unless not ``end_earlier``). Each of the family's cases says so in its History.

    What a sensitive family is given is itself sensitive: it stays hidden after a lift."""
    known = {carer.name.casefold() for carer in family.carers.all()}
    added_carers = [family_item(family, c) for c in carers if c["name"].casefold() not in known]
    addresses = [family_item(family, address) for address in addresses]
    for carer in added_carers:
        Carer.objects.create(family=family, **carer)
    ended = 0
    for address in addresses:
        starts = address.get("start_date")
        if starts and end_earlier:
            ended += family.addresses.filter(end_date__isnull=True, start_date__lte=starts).update(
                end_date=starts
            )
        Address.objects.create(family=family, **address)
    if added_carers or addresses:
        payload = {"family": family.pk, "carers": len(added_carers),
                   "addresses": len(addresses), "addresses_ended": ended,
                   "referral": referral.reference if referral else None}  # fmt: skip
        event_record(actor=by, verb="family.updated", episode=None, payload=payload)
        for episode in Episode.objects.filter(child__family=family).select_related(
            "allocated_officer"
        ):
            event_record(actor=by, verb="family.details_added", episode=episode, payload=payload)
    return family
