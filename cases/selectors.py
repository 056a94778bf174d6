"""Reads of case data. Querysets come with their joins, so pages do not query per row."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)  # fmt: skip
from django.db.models.lookups import LessThan
from django.utils import timezone

from . import access, reference_lists, reviews
from .models import (
    CaseImport,
    CaseNote,
    CaseNoteAddition,
    CaseReview,
    CaseTask,
    Child,
    ClosureProposal,
    Document,
    Enquiry,
    EnquiryType,
    Episode,
    Event,
    Handover,
    HomeVisit,
)
from .models.episodes import NEXT_DUE_KEY
from .names import names_match
from .working_days import latest_day_before


def open_episodes():
    return Episode.objects.filter(status=Episode.Status.OPEN)


def next_due_passed_q(today: date) -> Q:
    """The case's next enquiry due date has passed (said of the indexed sort key, so a list
    of them sorted by it reads one index range). Of open cases: ``has_overdue_q``."""
    return Q(LessThan(NEXT_DUE_KEY, today))


def has_overdue_q(today: date) -> Q:
    """Open cases with an overdue enquiry."""
    return Q(status=Episode.Status.OPEN) & next_due_passed_q(today)


def _pending_proposals():
    return ClosureProposal.objects.filter(
        episode=OuterRef("pk"), decision=ClosureProposal.Decision.PENDING
    )


def with_status(episodes):
    """Each case knows its own status tag: open, closed, or a closure awaiting approval."""
    return episodes.annotate(awaiting_approval=Exists(_pending_proposals()))


def awaiting_approval_q() -> Q:
    return Q(Exists(_pending_proposals()))


def episode_list(*, today: date | None = None):
    """Episodes with what every list shows: the child, officer, locality, whether a closure
    awaits approval and how many enquiries are overdue. For a page's cases (``episode_rows``)
    or a download streamed row by row: never to be sorted or counted whole."""
    today = today or timezone.localdate()
    overdue = (
        Enquiry.objects.filter(episode=OuterRef("pk"), completed_on__isnull=True, due_on__lt=today)
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return with_status(Episode.objects.select_related("child", "allocated_officer")).annotate(
        overdue_count=Case(
            When(has_overdue_q(today), then=Subquery(overdue, output_field=IntegerField())),
            default=Value(0),
        ),
    )  # fmt: skip


# The reference lists a list of cases shows, given from those each process keeps
# (``reference_lists.attach``) instead of joined.
LIST_REFERENCE_LISTS = ("locality", "presenting_need")
# And those a case's pages show.
CASE_REFERENCE_LISTS = ("child__ethnicity", "locality", "area", "presenting_need",
                        "missing_reason", "closure_outcome", "referral__source")  # fmt: skip


def episode_rows(ids: list[int], *, today: date | None = None) -> list[Episode]:
    """The cases a page lists, in the page's order, with what the table shows."""
    found = {episode.pk: episode for episode in episode_list(today=today).filter(pk__in=ids)}
    rows = [found[pk] for pk in ids if pk in found]
    reference_lists.attach(rows, *LIST_REFERENCE_LISTS)
    return rows


def caseload_summary(*, user, today: date | None = None) -> dict:
    """Counts for the home page: the user's own open cases and the team's, and of those the
    cases with an overdue enquiry."""
    today = today or timezone.localdate()
    mine = Q(allocated_officer=user)
    overdue = next_due_passed_q(today)  # of open cases: the list's "overdue" filter
    counts = open_episodes().aggregate(  # one pass over an index of open cases (no table read)
        mine=Count("pk", filter=mine),
        team=Count("pk"),
        unallocated=Count("pk", filter=Q(allocated_officer__isnull=True)),
        my_overdue=Count("pk", filter=mine & overdue),
        team_overdue=Count("pk", filter=overdue),
        team_review_due=Count("pk", filter=reviews.due_q(today)),
    )
    approvals = ClosureProposal.objects.filter(decision=ClosureProposal.Decision.PENDING).count()
    return {
        "my_open": counts["mine"],
        "team_open": counts["team"],
        "unallocated": counts["unallocated"],
        "my_overdue": counts["my_overdue"],
        "team_overdue": counts["team_overdue"],
        "team_review_due": counts["team_review_due"],
        "awaiting_approval": approvals,
    }


@dataclass(frozen=True)
class OtherCase:
    """Another case of the same child, as the case page lists it."""

    pk: int
    referral_date: date
    closed_on: date | None

    @property
    def reference(self) -> str:
        return Episode.reference_of(self.pk)


def episode_detail(pk: int) -> Episode:
    """One case with everything its page shows, in a fixed number of queries (raises
    Episode.DoesNotExist). ``other_cases`` are the child's other cases, newest first."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    others = (
        Episode.objects.filter(child_id=OuterRef("child_id")).exclude(pk=OuterRef("pk"))
        .order_by("-referral_date", "-pk")
        .values(case=JSONObject(pk="pk", referral_date="referral_date", closed_on="closed_on"))
    )  # fmt: skip
    episode = episode_detail_queryset().annotate(others=ArraySubquery(others)).get(pk=pk)
    episode.other_cases = [
        OtherCase(other["pk"], date.fromisoformat(other["referral_date"]),
                  date.fromisoformat(other["closed_on"]) if other["closed_on"] else None)
        for other in episode.others
    ]  # fmt: skip
    reference_lists.attach([episode], *CASE_REFERENCE_LISTS)
    return episode


def _earlier_episodes():
    """The child's other episodes referred earlier: the child was missing education before."""
    return Episode.objects.filter(
        child_id=OuterRef("child_id"), referral_date__lt=OuterRef("referral_date")
    )


def episode_detail_queryset():
    """A case as its pages show it: its family's addresses and carers come with it, read once
    for the access log's question (is anything marked sensitive?) and for the page."""
    from .models import Address

    return (
        with_status(Episode.objects)
        .annotate(previously_cme=Exists(_earlier_episodes()))
        .select_related(  # and the reference lists, from those kept (episode_detail)
            "child__family", "allocated_officer", "last_school", "destination_school",
            "removal_from_roll_authorised_by", "removal_from_roll_school", "referral__last_school",
        )
        .prefetch_related(
            "open_to_services",
            Prefetch("child__family__addresses",
                     queryset=Address.objects.select_related("area__locality")),
            "child__family__carers",
            Prefetch(
                "enquiries",
                queryset=Enquiry.objects.select_related("enquiry_type", "officer").order_by(
                    "requested_on", "pk"
                ),
            ),
            Prefetch(
                "closure_proposals",
                queryset=ClosureProposal.objects.select_related(
                    "proposed_by", "decided_by", "outcome"
                ),
            ),
        )
    )  # fmt: skip


def family_details(episode: Episode) -> dict:
    """The family's carers and addresses, newest first, and the address of this case: where
    the family lived on its day (today while open, else the day it closed), so an earlier
    case keeps the address it had after the family moves."""
    family = episode.child.family
    if family is None:
        return {"carers": [], "addresses": [], "current_address": None}
    addresses = list(family.addresses.all())  # read with the case (episode_detail_queryset)
    addresses.sort(key=lambda a: (a.start_date is None, -(a.start_date or date.min).toordinal()))
    day = episode.closed_on or timezone.localdate()
    lived = [a for a in addresses if a.start_date and a.start_date <= day
             and (a.end_date is None or a.end_date >= day)]  # fmt: skip
    undated = [a for a in addresses if a.start_date is None and a.end_date is None]
    carers = sorted(family.carers.all(), key=lambda c: (c.ended_on is not None, c.pk))
    return {
        "carers": carers,
        "addresses": addresses,
        "current_address": next(iter(lived or undated), None),
    }


def has_marked_items(episode: Episode) -> bool:
    """The family has an address or carer marked sensitive on its own (of the addresses and
    carers read with the case)."""
    family = episode.child.family
    if family is None:
        return False
    return any(item.is_sensitive for item in [*family.addresses.all(), *family.carers.all()])


def episode_history(episode: Episode):
    """Changes only: looks at a sensitive case are in the access log. (Before the access log,
    History recorded them as ``episode.viewed``; those rows stay, append-only, unshown.)"""
    return (
        Event.objects.filter(episode=episode)
        .exclude(verb="episode.viewed")
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def exportable_episodes(user):
    """Episodes this person may export: sensitive ones only with sensitive access (so an
    export never carries them to someone without need to know, and importing it back cannot
    touch them)."""
    episodes = Episode.objects.all()
    return episodes if access.has_sensitive_access(user) else episodes.exclude(access.sensitive_q())


def sensitive_ids(episodes) -> list[int]:
    return list(episodes.filter(access.sensitive_q()).values_list("pk", flat=True))


def sensitive_left_out_of_export(user) -> int:
    if access.has_sensitive_access(user):
        return 0
    return Episode.objects.filter(access.sensitive_q()).count()


def imports_of(user):
    """The imports this person ran. Only they see one: its report quotes the file's rows
    (names, UPNs, which lines are sensitive families), and its file name can name a family."""
    return CaseImport.objects.filter(started_by=user)


def imports_recent(user, limit: int):
    """This person's latest imports, newest first, for the upload page."""
    return list(imports_of(user).order_by("-created_at", "-pk")[:limit])


def access_log_for(episode: Episode):
    from .models import AccessLogEntry

    return AccessLogEntry.objects.filter(episode=episode).select_related("user")


def family_cases_q(*, child=None, family=None) -> Q:
    """Episodes of the family (given, or the child's), or of the child alone if they have
    none: the group sensitivity follows."""
    family_id = family.pk if family is not None else child.family_id
    return Q(child__family_id=family_id) if family_id else Q(child_id=child.pk)


def family_cases(episode: Episode):
    """Every case of the child's family (or of the child alone), oldest child first."""
    return (
        with_status(Episode.objects.filter(family_cases_q(child=episode.child)))
        .select_related("child", "allocated_officer")
        .order_by("child__date_of_birth", "child_id", "-referral_date")
    )


def siblings_with_status(episode: Episode) -> list[dict]:
    """The child's brothers and sisters, each with their latest case."""
    family_id = episode.child.family_id
    if family_id is None:
        return []
    children = (
        Child.objects.filter(family_id=family_id)
        .exclude(pk=episode.child_id)
        .prefetch_related(Prefetch("episodes", queryset=with_status(Episode.objects.order_by(
            "-pk"))))
    )  # fmt: skip
    result = []
    for child in children:
        latest = next(iter(child.episodes.all()), None)
        result.append({"child": child, "episode": latest})
    return result


def open_sibling_episodes(episode: Episode) -> list[Episode]:
    """Open episodes of the child's brothers and sisters, this one first."""
    if episode.child.family_id is None:
        return [episode]
    siblings = (
        Episode.objects.filter(child__family_id=episode.child.family_id, status=Episode.Status.OPEN)
        .exclude(pk=episode.pk)
        .select_related("child__family")
        .order_by("pk")
    )
    return [episode, *siblings]


def notes_for(episode: Episode) -> list:
    """The case's notes, newest first, each with its author, what was added to it, and
    whether it is still inside its correction window: two queries however many."""
    return list(
        CaseNote.objects.filter(episode=episode).with_correctable().select_related("author")
        .prefetch_related(Prefetch("additions",
                                   queryset=CaseNoteAddition.objects.select_related("author")))
    )  # fmt: skip


def pending_sibling_closures(episode: Episode) -> list[ClosureProposal]:
    """Closures as enquiries exhausted waiting on the open cases of the child's brothers and
    sisters (not this case's), oldest case first."""
    if episode.child.family_id is None:
        return []
    return list(
        ClosureProposal.objects.filter(
            decision=ClosureProposal.Decision.PENDING, episode__status=Episode.Status.OPEN,
            episode__child__family_id=episode.child.family_id,
        ).exclude(episode=episode)
        .select_related("episode__child__family", "proposed_by").order_by("episode_id")
    )  # fmt: skip


def core_enquiries_done(episodes: list[Episode]) -> dict[int, list[tuple]]:
    """{case: [(core enquiry type, its latest completed enquiry or None)]}, in two queries
    however many cases: what a manager reads before agreeing enquiries are exhausted."""
    core = list(EnquiryType.objects.filter(is_core=True, is_active=True))
    done: dict = {}
    completed = (Enquiry.objects.filter(episode__in=episodes, enquiry_type__in=core,
                                        completed_on__isnull=False)
                 .order_by("episode_id", "enquiry_type_id", "completed_on", "pk"))  # fmt: skip
    for enquiry in completed:
        done[(enquiry.episode_id, enquiry.enquiry_type_id)] = enquiry  # the latest wins
    return {episode.pk: [(kind, done.get((episode.pk, kind.pk))) for kind in core]
            for episode in episodes}  # fmt: skip


def tasks_for(episode: Episode) -> list:
    """The case's reminders and tasks, open ones first by date, then those done."""
    from django.db.models import F

    return list(CaseTask.objects.filter(episode=episode).select_related("owner", "set_by")
                .order_by(F("done_on").desc(nulls_first=True), "due_on", "pk"))  # fmt: skip


def tasks_due(user, today: date) -> list:
    """A person's reminders and tasks due today or before and not done, on open cases: what
    My caseload shows them."""
    tasks = list(CaseTask.objects.filter(owner=user, done_on__isnull=True, due_on__lte=today,
                                         episode__status=Episode.Status.OPEN)
                 .select_related("episode__child__family", "set_by")
                 .order_by("due_on", "pk"))  # fmt: skip
    for task in tasks:  # a case since marked sensitive, and no longer theirs: its text hides
        task.text_shown = access.shows_sensitive(user, task.episode)
    return tasks


def overdue_tasks_by(today: date, *fields: str) -> list[dict]:
    """Open cases with a reminder or task past its date, counted by the cases' ``fields``:
    read from the tasks not done (few), not from every open case."""
    return list(CaseTask.objects.filter(done_on__isnull=True, due_on__lt=today,
                                        episode__status=Episode.Status.OPEN)
                .values(*(f"episode__{field}" for field in fields))
                .annotate(n=Count("episode", distinct=True)).order_by())  # fmt: skip


def overdue_task_q(today: date, prefix: str = "") -> Q:
    """Cases with a reminder or task past its date and not done, as a filter on episodes."""
    return Q(Exists(CaseTask.objects.filter(episode_id=OuterRef(f"{prefix}pk"),
                                            done_on__isnull=True, due_on__lt=today)))  # fmt: skip


def documents_for(episode: Episode) -> list:
    """The case's documents, newest first, with who attached (and withdrew) each and what
    it was attached to."""
    return list(Document.objects.filter(episode=episode).select_related(
        "uploaded_by", "withdrawn_by", "enquiry__enquiry_type", "note"))  # fmt: skip


def last_home_visit(episode: Episode):
    """The case's latest home visit, with its address and who recorded it, or None."""
    return (HomeVisit.objects.filter(episode=episode).select_related("address", "recorded_by")
            .order_by("-visited_on", "-visited_at", "-pk").first())  # fmt: skip


def _handover_chase_by(today: date) -> date:
    """A handover sent on or before this day and not acknowledged is to be chased."""
    return latest_day_before(today, settings.CME_HANDOVER_CHASE_WORKING_DAYS)


def handovers_for(episode: Episode, today: date) -> list:
    """The case's handovers, newest first, each saying whether it is to be chased."""
    chase_by = _handover_chase_by(today)
    handovers = list(Handover.objects.filter(episode=episode).select_related("sent_by"))
    for handover in handovers:
        handover.to_chase = handover.acknowledged_on is None and handover.sent_on <= chase_by
    return handovers


def handovers_to_chase(today: date) -> list:
    """Handovers of open cases not acknowledged within the working days allowed."""
    return list(Handover.objects.filter(acknowledged_on__isnull=True,
                                        sent_on__lte=_handover_chase_by(today),
                                        episode__status=Episode.Status.OPEN)
                .select_related("episode__child__family", "episode__allocated_officer")
                .order_by("sent_on", "pk"))  # fmt: skip


def reviews_for(episode: Episode) -> list:
    """The case's reviews, newest first, each with its reviewer."""
    return list(CaseReview.objects.filter(episode=episode).select_related("reviewer"))


def next_due_enquiry(episode: Episode):
    outstanding = [e for e in episode.enquiries.all() if e.completed_on is None]
    return min(outstanding, key=lambda e: e.due_on, default=None)


@dataclass
class Candidate:
    child: Child
    reason: str
    open_episode: Episode | None
    sensitive: bool = False
    family_shown: bool = True  # whether the person checking may see the family's details


def duplicate_candidates(
    *, forename: str, surname: str, date_of_birth: date, upn: str = ""
) -> list[Candidate]:
    """Known children who may be this one: the same UPN, or the same date of birth and a
    similar name (see ``names.names_match``)."""
    found: dict[int, Candidate] = {}
    query = Q(date_of_birth=date_of_birth)
    if upn:
        query |= Q(upn=upn.upper()) | Q(former_upn=upn.upper())
    children = (
        Child.objects.filter(query)
        .select_related("family", "ethnicity")
        .prefetch_related(
            Prefetch("episodes", queryset=Episode.objects.order_by("-referral_date")),
            "family__carers",
            "family__addresses",
        )
    )
    for child in children:
        if upn and upn.upper() in (child.upn, child.former_upn):
            reason = "Same UPN"
        elif child.date_of_birth == date_of_birth and names_match(
            forename, surname, child.forename, child.surname
        ):
            reason = "Same date of birth and a similar name"
        else:
            continue
        open_episode = next((e for e in child.episodes.all() if e.is_open), None)
        found[child.pk] = Candidate(
            child=child, reason=reason, open_episode=open_episode,
            sensitive=access.child_is_sensitive(child),
        )  # fmt: skip
    return sorted(found.values(), key=lambda c: c.reason != "Same UPN")


def area_for_postcode(postcode: str):
    """The area whose postcode districts include this postcode's outward code, if any."""
    from .models import Area

    outward = postcode.strip().upper().split(" ")[0] if postcode else ""
    if not outward:
        return None
    for area in (
        Area.objects.filter(is_active=True)
        .exclude(postcode_districts="")
        .select_related("locality")
    ):
        if outward in area.postcode_districts.upper().split():
            return area
    return None


def pending_closures():
    return ClosureProposal.objects.filter(decision=ClosureProposal.Decision.PENDING).select_related(
        "episode__child", "episode__allocated_officer", "proposed_by", "outcome"
    )


_NAMED_FIELDS = {
    "allocated_officer": ("core", "User"),
    "removal_from_roll_authorised_by": ("core", "User"),
    "closure_outcome": ("cases", "ClosureOutcome"),
    "locality": ("cases", "Locality"),
    "area": ("cases", "Area"),
    "last_school": ("cases", "School"),
    "removal_from_roll_school": ("cases", "School"),
    "presenting_need": ("cases", "PresentingNeed"),
    "missing_reason": ("cases", "MissingReason"),
    "open_to_services": ("cases", "OpenToService"),
    "ethnicity": ("cases", "Ethnicity"),
    "owner": ("core", "User"),  # a reminder's or task's person: an id, not a change
}


def _referrals_named(events) -> dict:
    """The referrals that opened or joined the case, for History's entries about them."""
    from referrals.selectors import referrals_by_id

    ids = {(event.payload or {}).get("referral") for event in events
           if event.verb in ("episode.opened", "episode.referral_attached")} - {None}  # fmt: skip
    return {("referral", pk): referral for pk, referral in referrals_by_id(ids).items()}


def history_names(events) -> dict:
    """Labels for the ids events carry, one query per kind of record."""
    from django.apps import apps

    wanted: dict[tuple, set] = {}
    for event in events:
        for field, model in _NAMED_FIELDS.items():
            change = (event.payload or {}).get(field)
            if isinstance(change, int):
                wanted.setdefault(model, set()).add(change)
            elif isinstance(change, dict):
                for value in (change.get("before"), change.get("after")):
                    ids = value if isinstance(value, list) else [value]
                    wanted.setdefault(model, set()).update(i for i in ids if i is not None)
    names = _referrals_named(events)
    for (app_label, model_name), ids in wanted.items():
        model = apps.get_model(app_label, model_name)
        labels = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
        for field, field_model in _NAMED_FIELDS.items():
            if field_model == (app_label, model_name):
                names.update({(field, pk): label for pk, label in labels.items()})
    return names


def unread_notification_count(user) -> int:
    from .models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user):
    from .models import Notification

    return Notification.objects.filter(recipient=user).select_related(
        "alert__episode", "alert__enquiry__enquiry_type"
    )
