"""Children and families: created at intake, before any episode."""

from datetime import datetime

from django.db import transaction

from ..models import Address, Carer, Child, Family
from .events import event_record


@transaction.atomic
def family_create(
    *, by, carers: list[dict] = (), addresses: list[dict] = (), at: datetime | None = None
) -> Family:
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
        at=at,
    )
    return family


@transaction.atomic
def child_create(*, by, at: datetime | None = None, **fields) -> Child:
    """A child not known before. The UPN, when given, is stored upper-case."""
    fields["upn"] = (fields.get("upn") or "").strip().upper()
    child = Child.objects.create(**fields)
    event_record(actor=by, verb="child.created", episode=None, payload={"child": child.pk}, at=at)
    return child


@transaction.atomic
def child_join_family(*, child: Child, family: Family, by) -> Child:
    """Put a known child with no family into a sibling group found at a later referral."""
    if child.family_id and child.family_id != family.pk:
        return child
    if child.family_id is None:
        child.family = family
        child.save(update_fields=["family", "updated_at"])
        event_record(
            actor=by, verb="child.joined_family", episode=None,
            payload={"child": child.pk, "family": family.pk},
        )  # fmt: skip
    return child
