"""Intake writes: recording a referral and opening (or joining) each child's case."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from cases import access
from cases import selectors as case_selectors
from cases import services as case_services
from cases.errors import CaseError
from cases.models import Child, SchoolPhase
from cme_tracker.core import locks

from . import selectors
from .models import Referral, ReferralSource, ReferredChild


class AlreadySaved(CaseError):
    """The form was sent again (a double click, two tabs): its referral is saved already."""

    def __init__(self, referral: Referral):
        self.referral = referral
        super().__init__(f"Referral {referral.reference} was already saved from this form.")


class ChildBecameKnown(CaseError):
    """A child like one on the referral was added while the officer was deciding."""

    def __init__(self, names: list[str]):
        super().__init__(
            "A child who may be " + ", ".join(names) + " was added to the service just now, "
            "so nothing was saved. Check the children again."
        )


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
    """One child on a referral: a new child's details (and the known children the officer
    compared them with), or the known child it is."""

    details: dict = field(default_factory=dict)
    existing: Child | None = None
    considered: frozenset = frozenset()


@dataclass
class IntakeResult:
    referral: Referral
    opened: list = field(default_factory=list)  # new episodes
    attached: list = field(default_factory=list)  # open episodes the referral joined
    cases: list = field(default_factory=list)  # each child's case, in the form's order
    left_for_manager: list = field(default_factory=list)  # sensitive: not allocated to `by`


def _check_still_new(children: list[ChildEntry]) -> None:
    """Each new child is still new: no one like them was added since the officer looked."""
    appeared = []
    for entry in children:
        if entry.existing is not None:
            continue
        details = entry.details
        found = case_selectors.duplicate_candidates(
            forename=details["forename"], surname=details["surname"],
            date_of_birth=details["date_of_birth"], upn=details.get("upn") or "",
        )  # fmt: skip
        if {candidate.child.pk for candidate in found} - entry.considered:
            appeared.append(f"{details['forename']} {details['surname']}")
    if appeared:
        raise ChildBecameKnown(appeared)


def knows_family(by, *, child=None, family=None) -> bool:
    """Whether ``by`` already has need to know the family (or the child alone): sensitive
    access, or allocated an open case of it."""
    if access.has_sensitive_access(by):
        return True
    members = case_selectors.family_cases_q(child=child, family=family)
    return case_selectors.open_episodes().filter(members, allocated_officer=by).exists()


def _may_take(by, entry: ChildEntry, known_family) -> bool:
    """A new case goes to the referrer unless it is of a family already sensitive that the
    referrer has no need to know: taking it would open the family's details to them."""
    if entry.existing is not None:
        return not access.child_is_sensitive(entry.existing) or knows_family(
            by, child=entry.existing
        )
    if known_family is not None and known_family.is_sensitive:
        return knows_family(by, family=known_family)
    return True


@transaction.atomic
def referral_intake(
    *,
    referral: dict,
    children: list[ChildEntry],
    by,
    carer: dict | None = None,
    address: dict | None = None,
    case: dict,
    family_choice: str = "keep",
) -> IntakeResult:
    """Record a referral of a sibling group, all or nothing; once per form.

    ``case`` holds what applies to every child's case: presenting need, reason, services,
    sensitivity, area, and ``allocate_to_me`` to give new cases to the person referring.

    Each child is new or a known child the officer picked. A known child with an open case
    has the referral added to it; otherwise a new episode opens (and that child counts as
    previously missing education). Intakes take turns (an advisory lock), so two sent at
    once cannot both add one child: the second finds the first's child, or its form's
    referral, and stops. A child of a sensitive family keeps the family's sensitivity; its
    new case goes to the referrer only if they already have need to know it.

    When a known child has a family, the officer chose (``family_choice``): ``keep`` it (the
    referral's children join it, and its carer and address are a change to it) or start a
    ``new`` one (the known children move to it). Either way each case affected says so.
    """
    locks.hold(locks.REFERRAL_INTAKE)
    saved = selectors.referral_saved_from(referral.get("form_token"))
    if saved is not None:
        raise AlreadySaved(saved)
    _check_still_new(children)
    received_on = referral["received_on"]
    their_family = next(
        (entry.existing.family for entry in children if entry.existing and entry.existing.family),
        None,
    )
    known_family = their_family if family_choice == "keep" else None
    # Decided before anything is written, so a case this referral opens gives no one a way in.
    may_take = [case.get("allocate_to_me") and _may_take(by, entry, known_family)
                for entry in children]  # fmt: skip
    notice = referral.get("deletion_notice")
    kept = {k: v for k, v in referral.items() if k not in ("left_school_on", "deletion_notice")}
    record = referral_record(by=by, **kept)
    carers = [carer] if carer else []
    # Someone without need to know a sensitive family adds to its record but moves nothing: the
    # address they give is kept undated (a report, not a move), so the family's known address
    # stays the one shown until someone who works the family records the move.
    trusted = known_family is None or not known_family.is_sensitive or knows_family(
        by, family=known_family)  # fmt: skip
    addresses = [{**address, "start_date": received_on if trusted else None}] if address else []
    if known_family:
        family = case_services.family_add_details(
            family=known_family, carers=carers, addresses=addresses, by=by,
            end_earlier=trusted, referral=record,
        )  # fmt: skip
    else:
        family = case_services.family_create(carers=carers, addresses=addresses, by=by)
        for entry in children:
            if entry.existing is not None and entry.existing.family is not None:
                case_services.child_move_family(child=entry.existing, family=family, by=by,
                                                referral=record)  # fmt: skip
    result = IntakeResult(referral=record)
    area = case.get("area") or case_selectors.area_for_postcode((address or {}).get("postcode"))
    last_school = referral.get("last_school")
    for entry, takes in zip(children, may_take, strict=True):
        if entry.existing is None:
            child = case_services.child_create(by=by, family=family, **entry.details)
        else:
            child = case_services.child_join_family(child=entry.existing, family=family, by=by)
        open_episode = child.episodes.filter(status="OPEN").first()
        if open_episode:
            case_services.episode_attach_referral(episode=open_episode, referral=record, by=by)
            if case.get("is_sensitive"):  # what the referral says marks the case it joins
                case_services.sensitivity_mark(episode=open_episode, by=by)
            referral_add_child(referral=record, child=child, episode=open_episode)
            result.attached.append(open_episode)
            result.cases.append(open_episode)
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
            allocated_officer=by if takes else None,
        )
        referral_add_child(referral=record, child=child, episode=episode)
        result.opened.append(episode)
        result.cases.append(episode)
        if case.get("allocate_to_me") and not takes:
            result.left_for_manager.append(episode)
    # A school's deletion notice: triaged into its pupil's case, or not at all.
    if notice is not None:
        from schools.deletion_services import deletion_referred

        pupil_case = result.cases[0]  # the notice's pupil is the form's first child
        deletion_referred(notice=notice, referral=record, episode=pupil_case,
                          joined=pupil_case in result.attached, by=by)  # fmt: skip
    return result
