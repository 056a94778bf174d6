"""The printable case, for a strategy meeting or a handover: its summary, family, enquiries,
home visits, notes, reviews, reminders and History, as one list of sections that the print
page and the PDF both draw. What the person printing may not see is withheld here, once, by
the same rules as the case page (``cases.access``), so neither copy can show more than the
other."""

from dataclasses import dataclass, field

from django.utils import timezone

from cme_tracker.core.words import gov_date

from . import access, reviews, selectors
from .access import HIDDEN
from .timeline import history_entries

MARKING = "OFFICIAL-SENSITIVE"


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # a summary list: label, value
    headers: list[str] = field(default_factory=list)  # or a table: its headings and rows
    table: list[list[str]] = field(default_factory=list)
    empty: str = ""  # what a table with no rows says


@dataclass
class PrintedCase:
    reference: str
    child_name: str
    printed_by: str
    printed_at: str
    sections: list[Section]
    marking: str = MARKING


def _or_hidden(shown: bool, text) -> str:
    return str(text or "") if shown else HIDDEN


def _child(episode) -> Section:
    child = episode.child
    return Section("Child", rows=[
        ("Name", child.full_name + (f" (known as {child.preferred_name})"
                                    if child.preferred_name else "")),
        ("Other names", child.other_names or "None recorded"),
        ("Date of birth", f"{gov_date(child.date_of_birth)} (age {child.age_on})"),
        ("Gender", child.get_gender_display()),
        ("UPN", child.upn or "Not known"),
    ])  # fmt: skip


def _case(episode, show: bool, family: dict) -> Section:
    status = "Open" if episode.is_open else (
        f"Closed {gov_date(episode.closed_on)}: {episode.closure_outcome}")  # fmt: skip
    area = (f", {episode.area}" if family["area_shown"] else f", area {HIDDEN.lower()}") if (
        episode.area_id) else ""  # fmt: skip
    rows = [
        ("Referred", gov_date(episode.referral_date)
         + (f" by {episode.referral.source}" if episode.referral_id else "")
         + (f" ({_or_hidden(show, episode.referral.sending_local_authority)})"
            if episode.referral_id and episode.referral.sending_local_authority else "")),
        ("Status", status),
        ("Officer", str(episode.allocated_officer or "Unallocated")),
        ("Days missing education", str(episode.days_missing_education)),
        ("Locality", (str(episode.locality) + area) if episode.locality_id
         else "No Locality Registered"),
        ("Last school", _or_hidden(show, episode.last_school or "Not known")),
        ("Presenting need", str(episode.presenting_need or "Not recorded")),
        ("Reason missing education", str(episode.missing_reason or "Not recorded")),
    ]  # fmt: skip
    if episode.is_open:
        rows.append(("Next review due", gov_date(reviews.due_on(episode))))
    return Section("Case", rows=rows)


def _family(episode, family: dict) -> Section:
    rows = []
    for carer, shown in family["carers"]:
        said = ", ".join(part for part in (carer.name, carer.relationship, carer.phone) if part)
        rows.append(("Parent or carer", said if shown else HIDDEN))
    current = family["current_address"]
    if current is not None:
        rows.append(("Address", current.one_line if family["current_address_shown"]
                     else HIDDEN))  # fmt: skip
    for sibling in selectors.siblings_with_status(episode):
        case = sibling["episode"]
        rows.append(("Brother or sister", sibling["child"].full_name
                     + (f", case {case.reference}" if case else "")))  # fmt: skip
    return Section("Family", rows=rows or [("Family", "No family recorded")])


def _enquiries(episode, show: bool) -> Section:
    rows = [[str(e.enquiry_type), _or_hidden(show, e.made_to), gov_date(e.requested_on),
             gov_date(e.due_on),
             (f"{gov_date(e.completed_on)}: {_or_hidden(show, e.response)}" if e.completed_on
              else "Awaiting response")] for e in episode.enquiries.all()]  # fmt: skip
    return Section("Enquiries", headers=["Enquiry", "Made to", "Made", "Due", "Response"],
                   table=rows, empty="No enquiries.")  # fmt: skip


def _notes(episode, show: bool) -> Section:
    rows = []
    for note in selectors.notes_for(episode):
        text = note.text + "".join(
            f"\nAdded {gov_date(timezone.localtime(a.added_at).date())} by {a.author}: {a.text}"
            for a in note.additions.all()
        )
        rows.append([gov_date(note.happened_on), note.get_kind_display(), str(note.author),
                     _or_hidden(show, text)])  # fmt: skip
    return Section("Notes", headers=["Date", "Type", "By", "Note"], table=rows,
                   empty="No notes.")  # fmt: skip


def _visits(episode, show: bool) -> Section:
    from .models import HomeVisit

    visits = HomeVisit.objects.filter(episode=episode).select_related("address")
    rows = [[gov_date(v.visited_on) + (f" {v.visited_at:%H:%M}" if v.visited_at else ""),
             _or_hidden(show, v.where), _or_hidden(show, v.visitors),
             v.get_outcome_display() + (", calling card left" if v.calling_card_left else ""),
             _or_hidden(show, v.information)] for v in visits]  # fmt: skip
    return Section("Home visits", headers=["When", "Where", "Who visited", "Outcome", "Said"],
                   table=rows, empty="No home visits.")  # fmt: skip


def _reviews(episode, show: bool) -> Section:
    rows = [[gov_date(r.reviewed_on), str(r.reviewer), _or_hidden(show, r.decision),
             gov_date(r.due_on)] for r in selectors.reviews_for(episode)]  # fmt: skip
    return Section("Management oversight", headers=["Reviewed", "By", "Decision or direction",
                                                    "Next review"],
                   table=rows, empty="Not reviewed yet.")  # fmt: skip


def _tasks(episode, show: bool) -> Section:
    rows = [[gov_date(t.due_on), f"{t.get_kind_display()} for {t.owner}",
             _or_hidden(show, t.text), gov_date(t.done_on) if t.done_on else "Not yet"]
            for t in selectors.tasks_for(episode)]  # fmt: skip
    return Section("Reminders and tasks", headers=["Due", "For", "What", "Done"], table=rows,
                   empty="No reminders or tasks.")  # fmt: skip


def _history(user, episode, withhold_sensitive: bool) -> Section:
    rows = []
    for said in history_entries(user, episode, withhold_sensitive=withhold_sensitive):
        event = said["event"]
        when = timezone.localtime(event.created_at)
        rows.append([f"{gov_date(when.date())} {when:%H:%M}", str(event.actor or "the system"),
                     "\n".join([said["title"], *said["lines"]])])  # fmt: skip
    return Section("History", headers=["When", "Who", "What"], table=rows,
                   empty="No history recorded.")  # fmt: skip


def _without_sensitive(episode, family: dict) -> dict:
    """The family as a handover not sharing sensitive details gives it: on a sensitive case
    nothing of it, otherwise all but what is marked sensitive on its own."""
    whole = access.is_sensitive(episode)
    current = family["current_address"]
    return {
        "carers": [(c, shown and not whole and not c.is_sensitive)
                   for c, shown in family["carers"]],
        "addresses": [(a, shown and not whole and not a.is_sensitive)
                      for a, shown in family["addresses"]],
        "current_address": current,
        "current_address_shown": family["current_address_shown"] and not whole
        and not current.is_sensitive,
        "area_shown": family["area_shown"] and not whole
        and not any(a.is_sensitive for a, _ in family["addresses"]),
    }  # fmt: skip


def printed_case(user, episode, *, withhold_sensitive: bool = False) -> PrintedCase:
    """The case as ``user`` may see it, section by section; with ``withhold_sensitive`` (a
    handover the officer has not confirmed may carry them), without any sensitive detail."""
    show = access.shows_sensitive(user, episode)
    family = access.family_shown(user, episode, selectors.family_details(episode))
    if withhold_sensitive:
        show = show and not access.is_sensitive(episode)
        family = _without_sensitive(episode, family)
    now = timezone.localtime()
    return PrintedCase(
        reference=episode.reference, child_name=episode.child.full_name,
        printed_by=str(user), printed_at=f"{gov_date(now.date())} at {now:%H:%M}",
        sections=[_child(episode), _case(episode, show, family), _family(episode, family),
                  _enquiries(episode, show), _visits(episode, show), _notes(episode, show),
                  _reviews(episode, show),
                  _tasks(episode, show), _history(user, episode, withhold_sensitive)],
    )  # fmt: skip
