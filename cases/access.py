"""Who may see a case's sensitive details, and who may change which case: the one statement of
need to know and record scope. Views and templates ask here; nothing else decides.

**Sensitivity follows the family.** A case is sensitive when it, its child or the child's
family is marked so; marking one marks all three (``services.sensitivity_mark``), so a
brother's or sister's case, a later referral of the child and a child linked to the family
are sensitive too. An address or a carer can also be marked on its own: it stays hidden even
after a manager lifts the family's sensitivity.

**Need to know** a sensitive case: its allocated officer, the team's managers, and people a
superuser has granted sensitive access. Everyone else (other officers, the head of service,
administrators) sees the case's structure (names, dates, status, coded fields) and, where a
detail is withheld, "Hidden: sensitive case".

**Record scope.** Officers change the cases allocated to them and may take an unallocated one;
other officers' cases are theirs to read. With ``CME_TEAM_WIDE_WORKING`` on, officers may also
change their colleagues' cases (not sensitive ones they have no need to know), and History
marks each such change. Managers act on every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

# Held by the Team manager role; a superuser may also grant it to one person.
SENSITIVE_ACCESS = "cases.view_sensitive_episode"
# Held by the Team manager role: act on every case of the team.
EVERY_CASE = "cases.work_every_episode"

HIDDEN = "Hidden: sensitive case"


class Action(StrEnum):
    EDIT = "edit"
    ADD_ENQUIRY = "add_enquiry"
    ADD_NOTE = "add_note"
    SET_REMINDER = "set_reminder"
    ATTACH_DOCUMENT = "attach_document"
    HAND_OVER = "hand_over"
    WITHDRAW_DOCUMENT = "withdraw_document"
    ASSIGN_TASK = "assign_task"
    RECORD_RESPONSE = "record_response"
    CLOSE = "close"
    TAKE = "take"
    ALLOCATE = "allocate"
    REOPEN = "reopen"
    APPROVE_CLOSURE = "approve_closure"
    REVIEW = "review"
    AUTHORISE_REMOVAL = "authorise_removal"
    DOWNLOAD_LETTER = "download_letter"
    MARK_SENSITIVE = "mark_sensitive"
    LIFT_SENSITIVITY = "lift_sensitivity"
    VIEW_ACCESS_LOG = "view_access_log"


# The role permission each action needs first.
PERMISSION = {
    Action.EDIT: "cases.change_episode",
    Action.ADD_ENQUIRY: "cases.add_enquiry",
    Action.ADD_NOTE: "cases.add_casenote",
    Action.SET_REMINDER: "cases.add_casetask",
    Action.ATTACH_DOCUMENT: "cases.add_document",
    Action.HAND_OVER: "cases.add_handover",
    Action.WITHDRAW_DOCUMENT: "cases.change_document",
    Action.ASSIGN_TASK: "cases.assign_casetask",
    Action.RECORD_RESPONSE: "cases.change_enquiry",
    Action.CLOSE: "cases.close_episode",
    Action.TAKE: "cases.change_episode",
    Action.ALLOCATE: "cases.allocate_episode",
    Action.REOPEN: "cases.reopen_episode",
    Action.APPROVE_CLOSURE: "cases.approve_closure",
    Action.REVIEW: "cases.add_casereview",
    Action.AUTHORISE_REMOVAL: "cases.authorise_removal_from_roll",
    Action.DOWNLOAD_LETTER: "cases.view_episode",
    Action.MARK_SENSITIVE: "cases.change_episode",
    Action.LIFT_SENSITIVITY: "cases.lift_sensitivity",
    Action.VIEW_ACCESS_LOG: "cases.view_accesslogentry",
}
# Changes to the case record, bounded by record scope.
CASE_WORK = {Action.EDIT, Action.ADD_ENQUIRY, Action.ADD_NOTE, Action.SET_REMINDER,
             Action.ATTACH_DOCUMENT, Action.WITHDRAW_DOCUMENT, Action.HAND_OVER,
             Action.RECORD_RESPONSE, Action.CLOSE}  # fmt: skip
# What only holds on an open case, or only on a closed one.
OPEN_ONLY = {*CASE_WORK, Action.TAKE, Action.ALLOCATE, Action.AUTHORISE_REMOVAL, Action.REVIEW,
             Action.ASSIGN_TASK}  # fmt: skip
CLOSED_ONLY = {Action.REOPEN}
# What someone may do without seeing a sensitive case's details: hide more, see who looked.
BLIND = {Action.MARK_SENSITIVE, Action.VIEW_ACCESS_LOG}


# Sensitivity ------------------------------------------------------------------------------


def is_sensitive(episode) -> bool:
    """The case, its child or its family is marked sensitive."""
    return bool(episode.is_sensitive or child_is_sensitive(episode.child))


def child_is_sensitive(child) -> bool:
    """Every case of this child is sensitive: the child's or their family's mark."""
    family = child.family
    return bool(child.is_sensitive or (family is not None and family.is_sensitive))


def sensitive_q(prefix: str = "") -> Q:
    """``is_sensitive`` as a filter on episodes (``prefix`` for a relation to them)."""
    return (
        Q(**{f"{prefix}is_sensitive": True})
        | Q(**{f"{prefix}child__is_sensitive": True})
        | Q(**{f"{prefix}child__family__is_sensitive": True})
    )


def has_sensitive_access(user) -> bool:
    return user.has_perm(SENSITIVE_ACCESS)


def needs_to_know(user, episode) -> bool:
    """The allocated officer, the team's managers, and those granted sensitive access."""
    return episode.allocated_officer_id == user.pk or has_sensitive_access(user)


def shows_sensitive(user, episode) -> bool:
    """Whether this person sees the case's withheld details: addresses, carers, schools, the
    other authority, and every piece of free text."""
    return not is_sensitive(episode) or needs_to_know(user, episode)


def sees_marked(user, episode) -> bool:
    """An address or carer marked sensitive on its own (a refuge's, kept hidden after a lift):
    for those with sensitive access; for the allocated officer only while the case itself is
    sensitive (allocating a case after a lift gives no way to the refuge's address)."""
    return has_sensitive_access(user) or (is_sensitive(episode) and needs_to_know(user, episode))


def shows_item(user, episode, item) -> bool:
    """An address or carer: hidden on a sensitive case, and hidden on its own when marked."""
    return shows_sensitive(user, episode) and (
        not getattr(item, "is_sensitive", False) or sees_marked(user, episode)
    )


def family_shown(user, episode, family: dict) -> dict:
    """The family's carers and current address, each with whether this person may see it, and
    whether the case's area may show (it comes from an address: not while one of the family's
    addresses is marked sensitive, to those without need to know)."""
    current = family["current_address"]
    marked = any(address.is_sensitive for address in family["addresses"])
    return {
        "carers": [(carer, shows_item(user, episode, carer)) for carer in family["carers"]],
        "addresses": [(a, shows_item(user, episode, a)) for a in family["addresses"]],
        "current_address": current,
        "current_address_shown": current is not None and shows_item(user, episode, current),
        "area_shown": shows_sensitive(user, episode) and (not marked or sees_marked(user, episode)),
    }


def area_withheld_q(user) -> Q:
    """The cases whose area ``family_shown`` withholds from this person, as a filter on
    episodes: for lists that pick cases by area (a scorecard figure followed)."""
    if has_sensitive_access(user):
        return Q(pk__in=[])
    from .models import Address

    marked = Q(Exists(Address.objects.filter(family_id=OuterRef("child__family_id"),
                                             is_sensitive=True)))  # fmt: skip
    sensitive_mine = sensitive_q() & Q(allocated_officer=user)
    return (sensitive_q() & ~Q(allocated_officer=user)) | (marked & ~sensitive_mine)


# Record scope -----------------------------------------------------------------------------


def works_every_case(user) -> bool:
    return user.has_perm(EVERY_CASE)


def may(user, action: Action, episode) -> bool:
    """Whether ``user`` may take ``action`` on ``episode`` now."""
    if not user.has_perm(PERMISSION[action]):
        return False
    if action in OPEN_ONLY and not episode.is_open:
        return False
    if action in CLOSED_ONLY and episode.is_open:
        return False
    if action not in BLIND and not shows_sensitive(user, episode):
        return False  # whatever the role, no one works a case whose details they may not see
    if action is Action.DOWNLOAD_LETTER:
        return bool(episode.removal_from_roll_authorised_on)
    if action is Action.MARK_SENSITIVE:
        return not is_sensitive(episode)  # anyone who works cases may hide more, never less
    if action is Action.LIFT_SENSITIVITY:
        return is_sensitive(episode)
    if action is Action.TAKE:
        # Taking a case would give need to know: never a way in to a sensitive one (above).
        return episode.allocated_officer_id is None and not works_every_case(user)
    if action not in CASE_WORK:
        return True  # the role's permission is the whole rule (managers' actions)
    if works_every_case(user) or episode.allocated_officer_id == user.pk:
        return True
    return team_wide_working()


def team_wide_working() -> bool:
    return settings.CME_TEAM_WIDE_WORKING


def outside_allocation(user, episode) -> bool:
    """A change made by an officer who is not the case's allocated officer (team-wide
    working): History says so."""
    return (
        user is not None and episode.allocated_officer_id != user.pk and not works_every_case(user)
    )


@dataclass(frozen=True)
class CaseAccess:
    """What one person may see and do on one case, for its pages."""

    sensitive: bool
    show_sensitive: bool
    allowed: frozenset

    def __getattr__(self, name):  # {% if can.edit %} in templates
        try:
            return Action(name) in self.allowed
        except ValueError:
            raise AttributeError(name) from None


def case_access(user, episode) -> CaseAccess:
    return CaseAccess(
        sensitive=is_sensitive(episode),
        show_sensitive=shows_sensitive(user, episode),
        allowed=frozenset(action for action in Action if may(user, action, episode)),
    )
