"""Every page officers use all day makes an exact number of queries, the same for 3 cases as
for 30: a page that queried per row would be slow at a million."""

import datetime as dt
import io

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.bulk.importer import import_file
from cases.models import (
    Alert,
    CaseImport,
    CaseNote,
    CaseNoteAddition,
    CaseReview,
    CaseTask,
    ClosureOutcome,
    ClosureProposal,
    Document,
    Episode,
    Notification,
)
from cases.upn import expected_check_letter
from cme_tracker.core import roles
from cme_tracker.core.models import User
from reports.models import ScorecardSnapshot
from reports.services import snapshot_take
from tests.cases.factories import ChildFactory, ClosedEpisodeFactory, EnquiryFactory, EpisodeFactory

TODAY = dt.date.today()


def _upn(n: int) -> str:
    body = f"999{n:09d}"
    return expected_check_letter("A" + body) + body


def _cases(rows: int, officer, start: int = 0):
    """``rows`` open cases of the officer's with enquiries (some overdue), and closed ones;
    for each, a closure waiting for approval, a notification to the officer, a scorecard
    snapshot and an import by the manager, so that every list grows."""
    outcome = ClosureOutcome.objects.get(needs=ClosureOutcome.Needs.ENQUIRIES, is_active=True)
    manager = _manager()
    for i in range(start, start + rows):
        episode = EpisodeFactory(
            allocated_officer=officer, referral_date=TODAY - dt.timedelta(days=30 + i),
            child=ChildFactory(surname="Müller" if i % 2 else "Smith", upn=_upn(i)),
        )  # fmt: skip
        EnquiryFactory(episode=episode, requested_on=TODAY - dt.timedelta(days=20),
                       due_on=TODAY - dt.timedelta(days=i % 3))  # fmt: skip
        ClosedEpisodeFactory(child=ChildFactory(surname="Müller"), allocated_officer=officer)
        ClosureProposal.objects.create(episode=episode, outcome=outcome, closed_on=TODAY,
                                       proposed_by=officer)  # fmt: skip
        alert = Alert.objects.create(level=Alert.Level.STALE, episode=episode,
                                     quiet_since=TODAY - dt.timedelta(days=i))  # fmt: skip
        Notification.objects.create(alert=alert, recipient=officer)
        first = Episode.objects.filter(status="OPEN").order_by("pk").first()  # the case page's
        note = CaseNote.objects.create(episode=first, kind="OTHER", happened_on=TODAY,
                                       text=f"Note {i}", author=officer)  # fmt: skip
        CaseNoteAddition.objects.create(note=note, text="Added later", author=officer)
        CaseTask.objects.create(episode=first, kind="REMINDER", owner=officer, set_by=officer,
                                due_on=TODAY, text=f"Reminder {i}")  # fmt: skip
        Document.objects.create(episode=first, file=f"documents/test-{i}", name=f"Letter {i}.pdf",
                                kind="PDF", content_type="application/pdf", size=10,
                                sha256="0" * 64, scanned=False, uploaded_by=officer)  # fmt: skip
        week = TODAY + dt.timedelta(days=7)
        CaseReview.objects.create(episode=first, reviewed_on=TODAY, decision=f"Review {i}",
                                  next_review_on=week, due_on=week, reviewer=manager)  # fmt: skip
        ScorecardSnapshot.objects.create(year=1990 + i, quarter=1, taken_by=manager,
                                         figures={}, csv="", xlsx=b"", pdf=b"")  # fmt: skip
        CaseImport.objects.create(
            started_by=manager,
            file_name=f"cases-{i}.csv",
            status=CaseImport.Status.FINISHED,
            finished_at=timezone.now(),
        )


def _manager():
    return User.objects.filter(groups__name=roles.TEAM_MANAGER).first()


def _snapshot_page():
    """A real snapshot of last year's first quarter, taken once."""
    year = TODAY.year - 2
    snapshot = ScorecardSnapshot.objects.filter(year=year).first() or snapshot_take(
        year=year, quarter=1, by=_manager()
    )
    return f"/reports/snapshots/{snapshot.pk}/"


def _import_page(suffix: str = ""):
    """An import the manager ran, with problems and warnings to report."""
    manager = _manager()
    record = CaseImport.objects.filter(started_by=manager, file_name="problems.csv").first()
    if record is None:
        import_file(io.BytesIO(PROBLEMS), file_name="problems.csv", by=manager,
                    skip_invalid=True)  # fmt: skip
        record = CaseImport.objects.get(file_name="problems.csv")
    return f"/cases/import/{record.pk}/{suffix}"


PROBLEMS = (
    b"child_ref,forename,surname,date_of_birth,gender,referral_date,locality\n"
    b"Q1,Ann,Test,2014-01-02,F,2024-01-10,Nowhere\n"
    b"Q2,Bob,Test,2004-01-02,M,2024-01-10,\n"
    b"Q3,Cat,Test,2014-01-02,F,2024-01-10,\n"
)


def _case_page():
    return f"/cases/{Episode.objects.filter(status='OPEN').order_by('pk').first().pk}/"


# (what, who, the page, queries). Every page also reads the session, the user and their
# permissions (3), and the reference lists' version when it shows one
# (cases.reference_lists); the session is written back at most once a minute (not here).
PAGES = [
    ("case list", "manager", lambda: "/cases/", 8),
    ("case list, open and overdue, by surname", "manager",
     lambda: "/cases/?status=open&overdue=yes&sort=surname", 8),
    ("case list, next page", "manager",
     lambda: f"/cases/?page=2&after={Episode.objects.order_by('pk').first().pk}", 10),
    ("case list for an officer", "officer", lambda: "/cases/?officer=mine&sort=next_due", 8),
    # + the person's reminders and tasks due: 1
    ("home, an officer's caseload", "officer", lambda: "/", 10),
    ("home, the team's caseload", "manager", lambda: "/", 10),
    ("search by name", "officer", lambda: "/cases/?q=muller", 9),  # the children, then cases
    ("search by UPN, one case: straight to it", "officer", lambda: f"/cases/?q={_upn(1)}", 4),
    # with the schools' suggested closures, the case's notes with their additions (2), its
    # reviews (1), its reminders and tasks (1), its documents (1), its last home visit (1)
    # and its handovers (1)
    ("case page", "manager", _case_page, 18),
    # + schools: 4, the cases with overdue reminders or tasks: 1, handovers to chase: 1
    ("caseload aging", "manager", lambda: "/reports/caseload/", 13),
    # the DfE return's snapshot is a savepoint in a test, and its release: 2; the benchmarks'
    # settings, terms loaded and populations entered: 3 (none set: nothing more)
    ("DfE return", "manager", lambda: "/reports/dfe-return/", 15),
    # + found by schools: 1, and cases reviewed on time (the first review, the share): 2;
    # the rate per 10,000's settings, terms loaded and populations entered: 3
    ("scorecard", "manager", lambda: "/reports/scorecard/", 25),
    # Exact, though their rows are not cases: a case's events, and the form's lists.
    ("case history", "manager", lambda: _case_page() + "history/", 10),
    ("case access log", "manager", lambda: _case_page() + "access-log/", 10),
    ("new referral", "officer", lambda: "/referrals/new/", 12),
    ("closures waiting for approval", "manager", lambda: "/cases/closures/", 5),
    ("notifications", "officer", lambda: "/cases/notifications/", 6),
    ("targets", "head", lambda: "/reports/targets/", 5),
    ("snapshots", "manager", lambda: "/reports/snapshots/", 5),
    # + the first review recorded (its quarters ended before it: no share to count): 1
    ("snapshot, and what changed since", "manager", _snapshot_page, 24),  # + the rate's 3
    ("import, the upload page", "manager", lambda: "/cases/import/", 5),
    ("import, one run", "manager", _import_page, 5),
    ("import, its progress", "manager", lambda: _import_page("progress.json"), 4),
]  # fmt: skip


@pytest.mark.parametrize("what, who, url, expected", PAGES, ids=[p[0] for p in PAGES])
def test_queries_are_exact_and_do_not_grow_with_rows(
    what, who, url, expected, client, officer, manager, head_of_service
):
    from django.db import connection

    user = {"officer": officer, "manager": manager, "head": head_of_service}[who]
    counts = []
    for rows in (3, 30):
        _cases(rows - 3 if counts else rows, officer, start=3 if counts else 0)
        client.force_login(user)
        address = url()
        client.get(address)  # as a user would: not the first page they open
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == (302 if "straight to it" in what else 200), what
        counts.append(len(queries.captured_queries) - _counted(address, response))
    assert counts == [expected, expected], what


def _counted(address: str, response) -> int:
    """1 for the count a case list's first page makes when it does not show every case (a
    first page that shows them all has counted them), else 0."""
    if not (address == "/cases/" or address.startswith("/cases/?")) or response.context is None:
        return 0
    page = response.context["page"]
    first = "after=" not in address and "before=" not in address and page.number == 1
    return int(first and page.has_next)
