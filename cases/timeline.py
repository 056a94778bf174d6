"""Plain-English descriptions of case history events, for the timeline: GOV.UK dates and
words, never stored codes."""

from cme_tracker.core.words import gov_date

from . import access
from .access import HIDDEN
from .models import Episode, Event, Gender, SchoolPhase, SENStatus
from .models.notes import NoteKind
from .models.visits import HomeVisit

_CHOICES = {
    "status": dict(Episode.Status.choices),
    "school_phase": dict(SchoolPhase.choices),
    "gender": dict(Gender.choices),
    "sen_status": dict(SENStatus.choices),
    "kind": dict(NoteKind.choices),
}


def _words(field: str, value, names: dict) -> str:
    """One value of a change as a person says it."""
    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_words(field, item, names) for item in value)
    if (field, value) in names:
        return names[(field, value)]
    if field in _CHOICES:
        return _CHOICES[field].get(value, value)
    return gov_date(value)


TITLES = {
    "episode.opened": "Case opened",
    "episode.referral_attached": "Further referral added",
    "episode.updated": "Case details changed",
    "episode.allocated": "Case allocated",
    "episode.closed": "Case closed",
    "episode.reopened": "Case reopened",
    "episode.removal_from_roll_authorised": "Removal from roll authorised",
    "family.details_added": "Family's carer or address added",
    "child.updated": "Child's details corrected",
    "child.moved_family": "Child moved to another family",
    "family.carer_added": "Parent or carer added",
    "family.carer_changed": "Parent or carer's details changed",
    "family.address_added": "Family moved to a new address",
    "family.address_changed": "Address corrected",
    "sensitivity.marked": "Marked sensitive",
    "sensitivity.lifted": "Sensitivity lifted",
    "enquiry.added": "Enquiry made",
    "enquiry.completed": "Enquiry response recorded",
    "closure.proposed": "Closure as enquiries exhausted proposed",
    "closure.rejected": "Closure not approved",
    "deletion_notice.attached": "School's deletion notice added",
    "joint_enquiry.linked": "School's joint enquiry added",
    "note.added": "Note added",
    "note.corrected": "Note corrected",
    "note.added_to": "Added to a note",
    "review.recorded": "Case reviewed by a manager",
    "task.reminder_set": "Reminder set",
    "task.assigned": "Task given",
    "task.done": "Reminder or task done",
    "home_visit.recorded": "Home visit recorded",
    "handover.sent": "Handed over to another council",
    "document.attached": "Document attached",
    "document.withdrawn": "Document withdrawn",
}

FIELD_LABELS = {
    "allocated_officer": "Officer",
    "locality": "Locality",
    "area": "Area",
    "last_school": "Last school",
    "school_phase": "School phase",
    "presenting_need": "Presenting need",
    "missing_reason": "Reason for missing education",
    "fsm_at_referral": "Free school meals at referral",
    "left_school_on": "Left last school",
    "is_sensitive": "Sensitive",
    "open_to_services": "Open to services",
    "status": "Status",
    "closed_on": "Closure date",
    "closure_outcome": "Outcome",
    "removal_from_roll_authorised_on": "Removal from roll authorised on",
    "completed_on": "Completed on",
    "kind": "Type of note",
    "happened_on": "Date of the note",
    # The child's own details (visible to every officer, as on the case page).
    "forename": "First name",
    "surname": "Last name",
    "preferred_name": "Known as",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "upn": "UPN",
    "former_upn": "Former UPN",
    "fsm_eligible": "Free school meals",
    "sen_status": "SEN",
    "first_language": "First language",
    # A carer's and an address's (withheld on a sensitive case).
    "name": "Name",
    "relationship": "Relationship",
    "phone": "Phone number",
    "email": "Email address",
    "ended_on": "No longer a carer from",
    "line_1": "Address line 1",
    "line_2": "Address line 2",
    "town": "Town or city",
    "postcode": "Postcode",
    "start_date": "Moved there",
    "end_date": "Left",
}


# Withheld on a sensitive case from those without need to know: schools, and the area (it
# comes from the address). Free text is withheld too (see ``_free_text``).
SENSITIVE_FIELDS = {
    "last_school", "area", "name", "relationship", "phone", "email", "line_1", "line_2",
    "town", "postcode", "start_date", "end_date",
}  # fmt: skip


def _free_text(event: Event) -> list[str]:
    """The lines of an event that quote what someone wrote."""
    payload = event.payload or {}
    if event.verb == "enquiry.added":
        return [f"To {payload.get('made_to')}; response due {gov_date(payload.get('due_on'))}"]
    if event.verb == "enquiry.completed":
        response = (payload.get("response") or {}).get("after")
        return [f"Response: {response}"] if response else []
    if event.verb in ("episode.reopened", "closure.rejected", "sensitivity.marked",
                      "sensitivity.lifted"):  # fmt: skip
        return [payload.get("reason") or payload.get("note") or ""]
    if event.verb in ("note.added", "note.added_to"):
        return [payload.get("text") or ""]
    if event.verb == "review.recorded":
        return [f"Decision or direction: {payload.get('decision')}"]
    if event.verb.startswith("task."):
        return [payload.get("text") or ""]
    if event.verb == "handover.sent":  # the other authority: withheld, as always
        return [
            f"To {payload.get('local_authority')}"
            + (", with the sensitive details" if payload.get("sensitive_shared") else "")
        ]
    if event.verb == "document.attached":  # a file's name can name a child
        return [f"{payload.get('name')} ({payload.get('kind')})"]
    if event.verb == "document.withdrawn":
        return [f"{payload.get('name')}: {payload.get('reason')}"]
    if event.verb == "note.corrected" and "text" in payload:
        return [f"Was: {payload['text'].get('before')}", f"Now: {payload['text'].get('after')}"]
    if event.verb == "joint_enquiry.linked":
        return [f"Joint enquiry {payload.get('enquiry')} with {payload.get('school')}, ground "
                f"({payload.get('ground')})"]  # fmt: skip
    if event.verb == "deletion_notice.attached":  # the school is withheld like any other
        return [f"Notice {payload.get('notice')} from {payload.get('school')}: deleted from its "
                f"register {gov_date(payload.get('deleted_on'))}, ground "
                f"({payload.get('ground')})"]  # fmt: skip
    return []


def _referral_lines(referral, show_sensitive: bool) -> list[str]:
    """What the referral said: who sent it, when, and (not to those without need to know on a
    sensitive case) who the referrer was and the reason they wrote."""
    if referral is None:
        return []
    lines = [f"Referral {referral.reference} from {referral.source}, received "
             f"{gov_date(referral.received_on)}"]  # fmt: skip
    if referral.sending_local_authority:  # another council: it can say where the family went
        lines.append(f"Sent by {referral.sending_local_authority}" if show_sensitive
                     else f"Sending council: {HIDDEN.lower()}")  # fmt: skip
    referrer = ", ".join(part for part in (referral.referrer_name, referral.referrer_organisation,
                                           referral.referrer_contact) if part)  # fmt: skip
    written = [f"Referred by {referrer}" if referrer else "",
               f"Reason: {referral.reason}" if referral.reason else ""]  # fmt: skip
    written = [line for line in written if line]
    if written:
        lines += written if show_sensitive else [f"Referrer and reason: {HIDDEN.lower()}"]
    return lines


def _family_added(payload: dict) -> str:
    parts = []
    if payload.get("carers"):
        parts.append(f"{payload['carers']} parent or carer")
    if payload.get("addresses"):
        parts.append(f"{payload['addresses']} address")
    said = " and ".join(parts) + (f" from referral {payload['referral']}" if payload.get(
        "referral") else "")  # fmt: skip
    if payload.get("addresses_ended"):
        said += "; the earlier address ended"
    return "Added " + said


def describe(event: Event, names: dict, *, show_sensitive: bool = True) -> dict:
    """Title and lines for one event. ``names`` maps (field, pk) to a label for ids.

    Without ``show_sensitive`` no school, area or free text appears: each can locate a
    family. What is withheld says so, never looks like nothing recorded.
    """
    payload = event.payload or {}
    lines = []
    written = [line for line in _free_text(event) if line]
    if written:
        lines += written if show_sensitive else [HIDDEN]
    if event.verb in ("enquiry.added", "note.added") and payload.get("family"):
        lines.append("Recorded on every brother's and sister's open case")
    if event.verb == "review.recorded":
        lines.insert(0, f"Reviewed {gov_date(payload.get('reviewed_on'))}; next review due "
                        f"{gov_date(payload.get('due_on'))}")  # fmt: skip
    if event.verb in ("task.reminder_set", "task.assigned"):
        owner = names.get(("owner", payload.get("owner")))
        lines.insert(0, f"For {owner or 'an officer'}, due {gov_date(payload.get('due_on'))}")
    if event.verb == "home_visit.recorded":
        outcome = dict(HomeVisit.Outcome.choices).get(payload.get("outcome"), "")
        lines.insert(
            0,
            f"{gov_date(payload.get('visited_on'))}: {outcome}"
            + ("; calling card left" if payload.get("calling_card_left") else "")
            + (f"; {payload['photos']} photo(s)" if payload.get("photos") else ""),
        )
    if event.verb == "note.added":
        lines.insert(0, f"{_words('kind', payload.get('kind'), names)} on "
                        f"{gov_date(payload.get('happened_on'))}")  # fmt: skip
    if event.verb in ("episode.opened", "episode.referral_attached"):
        referral = names.get(("referral", payload.get("referral")))
        lines += _referral_lines(referral, show_sensitive)
        if referral is None and payload.get("received_on"):
            lines.append(f"Referral received {gov_date(payload['received_on'])}")
    elif event.verb == "child.moved_family":
        moved = payload.get("family") or {}
        lines.append(f"From family {moved.get('before') or '–'} to {moved.get('after')}"
                     + (f", with referral {payload['referral']}" if payload.get("referral")
                        else ""))  # fmt: skip
    elif event.verb == "family.details_added":
        lines.append(_family_added(payload))
    elif event.verb in ("sensitivity.marked", "sensitivity.lifted"):
        lines.append(f"For every case of the family (from case "
                     f"{payload.get('marked_on') or payload.get('lifted_on')})")  # fmt: skip
    for field, label in FIELD_LABELS.items():
        change = payload.get(field)
        if field in SENSITIVE_FIELDS and not show_sensitive:
            if change:
                lines.append(f"{label}: changed ({HIDDEN.lower()})")
            continue
        if isinstance(change, dict) and "after" in change:
            before, after = (_words(field, change[key], names) for key in ("before", "after"))
            lines.append(f"{label}: {before} → {after}")
    if payload.get("outside_allocation"):
        lines.append("Made by an officer other than the case's allocated officer")
    return {"title": TITLES.get(event.verb, event.verb), "lines": lines}


def history_entries(user, episode, *, withhold_sensitive: bool = False) -> list[dict]:
    """The case's History as ``user`` may read it: each change described, with what the case
    page withholds from them withheld here too, including an address or carer marked
    sensitive on its own (its entries say only that it changed). ``withhold_sensitive`` (a
    handover not sharing them) withholds every sensitive detail. ``episode`` comes with its
    family's addresses and carers (``selectors.episode_detail``)."""
    from . import selectors

    events = list(selectors.episode_history(episode))
    names = selectors.history_names(events)
    show = access.shows_sensitive(user, episode) and not (
        withhold_sensitive and access.is_sensitive(episode))  # fmt: skip
    family = episode.child.family
    marked = set() if family is None else (
        {("address", a.pk) for a in family.addresses.all() if a.is_sensitive}
        | {("carer", c.pk) for c in family.carers.all() if c.is_sensitive}
    )  # fmt: skip
    sees_marked = access.sees_marked(user, episode) and not withhold_sensitive
    entries = []
    for event in events:
        payload = event.payload or {}
        about = {(kind, payload.get(kind)) for kind in ("address", "carer")} & marked
        shown = show and (sees_marked or not about)
        entries.append({"event": event, **describe(event, names, show_sensitive=shown)})
    return entries
