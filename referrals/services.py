"""Intake writes: recording a referral and opening (or joining) each child's case."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Child, SchoolPhase

from .models import Referral, ReferralSource, ReferredChild


@transaction.atomic
def referral_record(*, source: ReferralSource, received_on: date, by, **details) -> Referral:
    """Record a referral as received. Children are added with ``referral_add_child``."""
    return Referral.objects.create(source=source, received_on=received_on, created_by=by, **details)


@transaction.atomic
def referral_add_child(*, referral: Referral, child, episode) -> ReferredChild:
    """Name ``child`` on ``referral``, with the episode the referral opened or joined."""
    return ReferredChild.objects.create(referral=referral, child=child, episode=episode)


@dataclass
class ChildEntry:
    """One child on a referral: a new child's details, or the known child it is."""

    details: dict = field(default_factory=dict)
    existing: Child | None = None


@dataclass
class IntakeResult:
    referral: Referral
    opened: list = field(default_factory=list)  # new episodes
    attached: list = field(default_factory=list)  # open episodes the referral joined


@transaction.atomic
def referral_intake(
    *,
    referral: dict,
    children: list[ChildEntry],
    by,
    carer: dict | None = None,
    address: dict | None = None,
    case: dict,
) -> IntakeResult:
    """Record a referral of a sibling group, all or nothing.

    ``case`` holds what applies to every child's case: presenting need, reason, services,
    sensitivity, area, and ``allocate_to_me`` to give new cases to the person referring.

    Each child is new or a known child the officer picked. A known child with an open case
    has the referral added to it; otherwise a new episode opens (and that child counts as
    previously missing education).
    """
    received_on = referral["received_on"]
    known_family = next(
        (entry.existing.family for entry in children if entry.existing and entry.existing.family),
        None,
    )
    carers = [carer] if carer else []
    addresses = [{**address, "start_date": received_on}] if address else []
    if known_family:
        family = case_services.family_add_details(
            family=known_family, carers=carers, addresses=addresses, by=by
        )
    else:
        family = case_services.family_create(carers=carers, addresses=addresses, by=by)
    record = referral_record(by=by, **{k: v for k, v in referral.items() if k != "left_school_on"})
    result = IntakeResult(referral=record)
    area = case.get("area") or case_selectors.area_for_postcode((address or {}).get("postcode"))
    last_school = referral.get("last_school")
    for entry in children:
        if entry.existing is None:
            child = case_services.child_create(by=by, family=family, **entry.details)
        else:
            child = case_services.child_join_family(child=entry.existing, family=family, by=by)
        open_episode = child.episodes.filter(status="OPEN").first()
        if open_episode:
            case_services.episode_attach_referral(episode=open_episode, referral=record, by=by)
            referral_add_child(referral=record, child=child, episode=open_episode)
            result.attached.append(open_episode)
            continue
        episode = case_services.episode_open(
            child=child,
            referral=record,
            referral_date=received_on,
            referral_source=record.source,
            by=by,
            open_to_services=case.get("open_to_services") or [],
            area=area,
            locality=area.locality if area else None,
            last_school=last_school,
            school_phase=last_school.phase if last_school else SchoolPhase.UNKNOWN,
            left_school_on=referral.get("left_school_on"),
            presenting_need=case.get("presenting_need"),
            missing_reason=case.get("missing_reason"),
            fsm_at_referral=child.fsm_eligible,
            is_sensitive=case.get("is_sensitive", False),
            allocated_officer=by if case.get("allocate_to_me") else None,
        )
        referral_add_child(referral=record, child=child, episode=episode)
        result.opened.append(episode)
    return result
