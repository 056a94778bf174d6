"""Closing cases with an outcome, the manager's approval of enquiries exhausted, reopening."""

from datetime import date

from django.db import transaction

from cme_tracker.core import clock

from ..errors import CaseError
from ..models import ClosureOutcome, ClosureProposal, EnquiryType, Episode
from .events import apply_changes, event_record
from .locking import bump_version, episode_for_update


def missing_core_enquiries(episode: Episode) -> list[EnquiryType]:
    """Core enquiry types with no completed enquiry on this case."""
    done = set(
        episode.enquiries.filter(completed_on__isnull=False).values_list(
            "enquiry_type_id", flat=True
        )
    )
    return [kind for kind in EnquiryType.objects.filter(is_core=True, is_active=True)
            if kind.pk not in done]  # fmt: skip


# What each outcome needs before a case closes with it: the one statement of it. Keys are the
# answers ``case_close`` takes (the close form's fields); values say what to give.
OUTCOME_NEEDS = {
    ClosureOutcome.Needs.SCHOOL: {
        "school": "Enter the school the child is now at",
        "school_start_date": "Enter the date the child started at the school",
    },
    ClosureOutcome.Needs.OTHER_LA: {
        "local_authority": "Enter the local authority that accepted responsibility",
        "accepted_by": "Enter who accepted responsibility",
    },
    ClosureOutcome.Needs.LEFT_UK: {"how_verified": "Say how leaving the UK was verified"},
    ClosureOutcome.Needs.EHE: {"ehe_notified_on": "Enter the date home education was notified"},
}


class ClosureRefused(CaseError):
    """What stops a closure, by the answer each problem is about (None: the case itself)."""

    def __init__(self, problems: dict):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def closed_on_problem(episode: Episode, closed_on: date, today: date) -> str | None:
    """The closure-date rule: on or after the referral date, and not in the future."""
    if closed_on < episode.referral_date:
        return (
            "The closure date must be on or after the referral date, "
            f"{episode.referral_date:%-d %B %Y}"
        )
    if closed_on > today:
        return "The closure date must be today or in the past"
    return None


def closure_problems(
    *,
    episode: Episode,
    outcome: ClosureOutcome,
    closed_on: date,
    answers: dict,
    today: date | None = None,
) -> dict:
    """Everything that stops ``episode`` closing with ``outcome`` on ``closed_on``."""  # fmt: skip
    problems = {}
    if not episode.is_open:
        problems[None] = "This case is already closed."
    if closed_on is not None:
        problem = closed_on_problem(episode, closed_on, today or clock.today())
        if problem:
            problems["closed_on"] = problem
    for field, message in OUTCOME_NEEDS.get(outcome.needs, {}).items():
        if not answers.get(field):
            problems[field] = message
    if outcome.needs == ClosureOutcome.Needs.ENQUIRIES:
        missing = missing_core_enquiries(episode)
        if missing:
            problems[None] = (
                "Enquiries are not exhausted: complete these core enquiries first: "
                + ", ".join(kind.label for kind in missing) + "."
            )  # fmt: skip
    return problems


def closure_details(outcome: ClosureOutcome, answers: dict) -> tuple[dict, object]:
    """What is kept on the case for ``outcome``: its details and any destination school."""
    needs, details = outcome.needs, {}
    if needs == ClosureOutcome.Needs.SCHOOL:
        details["start_date"] = answers["school_start_date"].isoformat()
    elif needs == ClosureOutcome.Needs.OTHER_LA:
        details["local_authority"] = answers["local_authority"]
        details["accepted_by"] = answers["accepted_by"]
    elif needs == ClosureOutcome.Needs.LEFT_UK:
        details["how_verified"] = answers["how_verified"]
    elif needs == ClosureOutcome.Needs.EHE:
        details["notified_on"] = answers["ehe_notified_on"].isoformat()
    if answers.get("notes"):
        details["notes"] = answers["notes"]
    school = answers.get("school") if needs == ClosureOutcome.Needs.SCHOOL else None
    return details, school


def _check_closable(episode: Episode, closed_on: date, today: date) -> None:
    if not episode.is_open:
        raise CaseError("This case is already closed.")
    problem = closed_on_problem(episode, closed_on, today)
    if problem:
        raise CaseError(problem + ".")


@transaction.atomic
def episode_close(
    *,
    episode: Episode,
    outcome: ClosureOutcome,
    closed_on: date,
    by,
    details: dict | None = None,
    destination_school=None,
    expected_version: int | None = None,
    _approved: bool = False,
) -> Episode:
    """Close an open case. Enquiries exhausted needs a manager: use ``closure_propose``."""
    episode = episode_for_update(episode.pk, expected_version)
    _check_closable(episode, closed_on, clock.today())
    if outcome.needs == ClosureOutcome.Needs.ENQUIRIES and not _approved:
        raise CaseError("Closing as enquiries exhausted needs a manager's approval.")
    if episode.closure_proposals.filter(decision=ClosureProposal.Decision.PENDING).exists() and (
        not _approved
    ):
        raise CaseError("A closure of this case is waiting for a manager's approval.")
    changes = apply_changes(
        episode,
        {
            "status": Episode.Status.CLOSED,
            "closed_on": closed_on,
            "closure_outcome": outcome,
            "closure_details": details or {},
            "destination_school": destination_school,
        },
    )
    version = bump_version(episode, list(changes))
    event_record(
        actor=by, verb="episode.closed", episode=episode,
        payload={"version": version, **changes},
    )  # fmt: skip
    return episode


@transaction.atomic
def closure_propose(
    *,
    episode: Episode,
    closed_on: date,
    by,
    details: dict | None = None,
    expected_version: int | None = None,
) -> ClosureProposal:
    """Ask a manager to approve closing as enquiries exhausted; the core enquiries must be done."""
    episode = episode_for_update(episode.pk, expected_version)
    _check_closable(episode, closed_on, clock.today())
    missing = missing_core_enquiries(episode)
    if missing:
        raise CaseError(
            "Enquiries are not exhausted: complete these core enquiries first: "
            + ", ".join(kind.label for kind in missing)
            + "."
        )
    if episode.closure_proposals.filter(decision=ClosureProposal.Decision.PENDING).exists():
        raise CaseError("A closure of this case is already waiting for a manager's approval.")
    outcome = ClosureOutcome.objects.get(needs=ClosureOutcome.Needs.ENQUIRIES, is_active=True)
    proposal = ClosureProposal.objects.create(
        episode=episode, outcome=outcome, closed_on=closed_on, details=details or {},
        proposed_by=by, proposed_at=clock.now(),
    )  # fmt: skip
    version = bump_version(episode, [])
    event_record(
        actor=by, verb="closure.proposed", episode=episode,
        payload={"version": version, "proposal": proposal.pk, "outcome": outcome.code,
                 "closed_on": closed_on},
    )  # fmt: skip
    return proposal


def _pending(proposal: ClosureProposal) -> ClosureProposal:
    proposal = ClosureProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.decision != ClosureProposal.Decision.PENDING:
        raise CaseError("This closure has already been decided.")
    return proposal


@transaction.atomic
def closure_approve(*, proposal: ClosureProposal, by, note: str = "") -> ClosureProposal:
    """A manager approves closing as enquiries exhausted; the case closes on the proposed date."""
    proposal = _pending(proposal)
    if proposal.proposed_by_id == by.pk:
        raise CaseError(f"Another manager must approve the closure of case "
                        f"{proposal.episode.reference}: you proposed it.")  # fmt: skip
    proposal.decision = ClosureProposal.Decision.APPROVED
    proposal.decided_by = by
    proposal.decided_at = clock.now()
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    details = {**proposal.details, "approved_by": by.pk, "proposed_by": proposal.proposed_by_id}
    episode_close(
        episode=proposal.episode, outcome=proposal.outcome, closed_on=proposal.closed_on,
        by=by, details=details, _approved=True,
    )  # fmt: skip
    return proposal


@transaction.atomic
def closure_reject(*, proposal: ClosureProposal, by, note: str) -> ClosureProposal:
    """A manager sends a proposed closure back; the case stays open."""
    if not note.strip():
        raise CaseError("Say why the closure is not approved.")
    proposal = _pending(proposal)
    proposal.decision = ClosureProposal.Decision.REJECTED
    proposal.decided_by = by
    proposal.decided_at = clock.now()
    proposal.decision_note = note
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    episode = episode_for_update(proposal.episode_id)
    version = bump_version(episode, [])
    event_record(
        actor=by, verb="closure.rejected", episode=episode,
        payload={"version": version, "proposal": proposal.pk, "note": note},
    )  # fmt: skip
    return proposal


@transaction.atomic
def closures_decide(*, proposals: list[ClosureProposal], approve: bool, note: str, by) -> int:
    """A sibling group's closures as enquiries exhausted decided together, with one reason:
    all approved (each case closes) or all sent back, or, if any cannot be, none. Returns how
    many were decided."""
    families = {proposal.episode.child.family_id for proposal in proposals}
    if len(proposals) > 1 and (len(families) != 1 or None in families):
        raise CaseError("Closures decided together must be of brothers and sisters.")
    for proposal in sorted(proposals, key=lambda p: p.episode_id):  # a fixed order: no deadlock
        if approve:
            closure_approve(proposal=proposal, by=by, note=note)
        else:
            closure_reject(proposal=proposal, by=by, note=note)
    return len(proposals)


@transaction.atomic
def episode_reopen(
    *, episode: Episode, reason: str, by, expected_version: int | None = None
) -> Episode:
    """Reopen a case closed in error. A new referral after closure opens a new episode instead."""
    if not reason.strip():
        raise CaseError("Give the reason for reopening the case.")
    episode = episode_for_update(episode.pk, expected_version)
    if episode.is_open:
        raise CaseError("This case is already open.")
    if Episode.objects.filter(child_id=episode.child_id, status=Episode.Status.OPEN).exists():
        raise CaseError("This child already has another open case, so this one cannot reopen.")
    changes = apply_changes(
        episode,
        {
            "status": Episode.Status.OPEN,
            "closed_on": None,
            "closure_outcome": None,
            "closure_details": {},
            "destination_school": None,
        },
    )
    version = bump_version(episode, list(changes))
    event_record(
        actor=by, verb="episode.reopened", episode=episode,
        payload={"version": version, "reason": reason, **changes},
    )  # fmt: skip
    return episode


NO_RESPONSE = "No response: the case closed"


@transaction.atomic
def case_close(
    *,
    episode: Episode,
    outcome: ClosureOutcome,
    closed_on: date,
    answers: dict,
    by,
    siblings=(),
    expected_version: int | None = None,
    outstanding: str = "keep",
) -> tuple[list[Episode], list[Episode]]:
    """Close ``episode``, and any ``siblings`` with it, with ``outcome``: all or none.

    Enquiries exhausted goes to a manager for approval instead (the cases stay open). With
    ``outstanding="close"`` enquiries still awaiting a response are recorded as answered by
    no one on the closure date. Returns the cases closed and the cases proposed.
    """
    targets = [(episode, expected_version), *[(sibling, None) for sibling in siblings]]
    closed, proposed = [], []
    for target, version in targets:
        target = episode_for_update(target.pk, version)  # a stale page is refused first
        problems = closure_problems(
            episode=target, outcome=outcome, closed_on=closed_on, answers=answers
        )
        if problems:
            raise ClosureRefused(problems)
        details, school = closure_details(outcome, answers)
        if outcome.needs == ClosureOutcome.Needs.ENQUIRIES:
            closure_propose(episode=target, closed_on=closed_on, details=details, by=by)
            proposed.append(target)
            continue
        if outstanding == "close":
            _answer_outstanding(target, closed_on=closed_on, by=by)
        episode_close(episode=target, outcome=outcome, closed_on=closed_on, details=details,
                      destination_school=school, by=by)  # fmt: skip
        closed.append(target)
    return closed, proposed


def _answer_outstanding(episode: Episode, *, closed_on: date, by) -> None:
    from .enquiries import enquiry_complete

    for enquiry in episode.enquiries.filter(completed_on__isnull=True):
        enquiry_complete(
            enquiry=enquiry, completed_on=max(closed_on, enquiry.requested_on),
            response=NO_RESPONSE, by=by,
        )  # fmt: skip
