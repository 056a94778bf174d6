"""Plain-English descriptions of case history events, for the timeline."""

from .models import Event

TITLES = {
    "episode.opened": "Case opened",
    "episode.referral_attached": "Further referral added",
    "episode.updated": "Case details changed",
    "episode.allocated": "Case allocated",
    "episode.closed": "Case closed",
    "episode.reopened": "Case reopened",
    "episode.removal_from_roll_authorised": "Removal from roll authorised",
    "episode.viewed": "Sensitive case viewed",
    "enquiry.added": "Enquiry made",
    "enquiry.completed": "Enquiry response recorded",
    "closure.proposed": "Closure as enquiries exhausted proposed",
    "closure.rejected": "Closure not approved",
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
}


SENSITIVE_FIELDS = {"last_school", "removal_from_roll_school", "destination_school"}


def describe(event: Event, names: dict, *, show_sensitive: bool = True) -> dict:
    """Title and lines for one event. ``names`` maps (field, pk) to a label for ids.

    Without ``show_sensitive`` a school's name never appears: it can locate a family.
    """
    payload = event.payload or {}
    lines = []
    if event.verb == "enquiry.added":
        lines.append(f"To {payload.get('made_to')}; response due {payload.get('due_on')}")
        if payload.get("family"):
            lines.append("Recorded on every brother's and sister's open case")
    elif event.verb in ("episode.reopened", "closure.rejected"):
        lines.append(payload.get("reason") or payload.get("note") or "")
    elif event.verb == "episode.referral_attached":
        lines.append(f"Referral received {payload.get('received_on')}")
    for field, label in FIELD_LABELS.items():
        change = payload.get(field)
        if field in SENSITIVE_FIELDS and not show_sensitive:
            if change:
                lines.append(f"{label}: changed (hidden: sensitive case)")
            continue
        if isinstance(change, dict) and "after" in change:
            before = names.get((field, change["before"]), change["before"])
            after = names.get((field, change["after"]), change["after"])
            lines.append(f"{label}: {before if before not in (None, '') else '–'} → "
                         f"{after if after not in (None, '') else '–'}")  # fmt: skip
    return {"title": TITLES.get(event.verb, event.verb), "lines": [line for line in lines if line]}
