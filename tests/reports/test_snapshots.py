"""Snapshots: frozen figures and files, compared with the live scorecard."""

import datetime

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.urls import reverse

from cases.models import ClosureOutcome, Episode
from reports import selectors, services
from reports.models import ScorecardSnapshot
from reports.periods import Quarter
from reports.tasks import snapshot_scorecard
from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved():
    outcome = ClosureOutcome.objects.get(code="FOUND_EHE")
    return [
        EpisodeFactory(referral_date=datetime.date(2017, 10, 2), status="CLOSED",
                       closed_on=datetime.date(2017, 11, 1), closure_outcome=outcome)
        for _ in range(3)
    ]  # fmt: skip


def test_a_snapshot_stays_the_same_while_the_live_figures_move(client, resolved, manager):
    snapshot = services.snapshot_take(year=2017, quarter=3)
    pdf_before, xlsx_before = bytes(snapshot.pdf), bytes(snapshot.xlsx)
    # A correction after the quarter was presented: one case was not really closed.
    Episode.objects.filter(pk=resolved[0].pk).update(
        status="OPEN", closed_on=None, closure_outcome=None
    )
    changes = selectors.snapshot_changes(ScorecardSnapshot.objects.get(pk=snapshot.pk))
    assert {"indicator": "7", "label": "7. Cases resolved in the period", "breakdown": "",
            "then": 3, "now": 2} in changes  # fmt: skip
    client.force_login(manager)
    html = client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()
    assert "Cases resolved in the period" in html
    for format, before in (("pdf", pdf_before), ("xlsx", xlsx_before)):
        url = reverse("reports:snapshot_download", args=[snapshot.pk, format])
        assert client.get(url).content == before == client.get(url).content


def test_the_database_refuses_to_change_a_snapshot(resolved):
    snapshot = services.snapshot_take(year=2017, quarter=3)
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        ScorecardSnapshot.objects.filter(pk=snapshot.pk).update(csv="changed")
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        ScorecardSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert ScorecardSnapshot.objects.get(pk=snapshot.pk).csv == snapshot.csv


def test_snapshot_due_on_the_first_working_day_after_a_quarter():
    assert selectors.snapshot_due(datetime.date(2026, 10, 1)) == Quarter(2026, 2)  # Thursday
    assert selectors.snapshot_due(datetime.date(2026, 10, 2)) is None
    # 31 December 2026 is a Thursday; Friday 1 January is a bank holiday, then a weekend:
    # the first working day is Monday 4 January.
    assert selectors.snapshot_due(datetime.date(2027, 1, 1)) is None
    assert selectors.snapshot_due(datetime.date(2027, 1, 4)) == Quarter(2026, 3)
    assert selectors.snapshot_due(datetime.date(2027, 1, 5)) is None


def test_the_scheduled_task_takes_one_snapshot_however_often_it_runs(resolved):
    import time_machine

    with time_machine.travel(datetime.datetime(2018, 1, 2, 7, tzinfo=datetime.UTC), tick=False):
        first = snapshot_scorecard.apply().get()
        second = snapshot_scorecard.apply().get()
    assert first == second
    assert ScorecardSnapshot.objects.filter(scheduled=True).count() == 1
    assert ScorecardSnapshot.objects.get().quarter == 3
    from cme_tracker.core.models import JobRun

    runs = JobRun.objects.filter(job="snapshot_scorecard").order_by("pk")
    assert [run.counts for run in runs] == [
        {"snapshot": first, "taken": True},
        {"snapshot": first, "taken": False},
    ]


def test_commands(resolved, capsys, tmp_path):
    call_command("snapshot_scorecard", year="2017/18", quarter=3)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("snapshot ")
    snapshot_id = int(last.split()[1])
    out = tmp_path / "snap.csv"
    call_command("scorecard", snapshot=snapshot_id, format="csv", output=str(out))
    # As at the end of Q3: Q4 had not begun, so it is blank.
    assert "Resolved cases,7,Cases resolved in the period,,0,0,3,,3,0,0" in (
        out.read_text().splitlines()
    )


def test_a_quarter_taken_again_needs_a_reason_and_replaces_the_last(resolved, head_of_service):
    first = services.snapshot_take(year=2017, quarter=3, by=head_of_service)
    with pytest.raises(services.SnapshotRefused, match="already has a snapshot, taken"):
        services.snapshot_take(year=2017, quarter=3, by=head_of_service, reason="   ")
    again = services.snapshot_take(year=2017, quarter=3, by=head_of_service,
                                   reason="A closure in November was recorded late")  # fmt: skip
    assert again.supersedes == first and again.reason.startswith("A closure")
    assert ScorecardSnapshot.objects.get(pk=first.pk).superseded_by == again
    with pytest.raises(services.SnapshotRefused, match="has not ended"):
        services.snapshot_take(year=2026, quarter=3, by=head_of_service)
    # The database holds the same line: no second first snapshot, none again without a
    # reason, none superseded twice.
    from django.db import IntegrityError

    kept = {"figures": {}, "csv": "", "xlsx": b"", "pdf": b""}
    for fields in ({}, {"supersedes": again}, {"supersedes": first, "reason": "twice"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ScorecardSnapshot.objects.create(year=2017, quarter=3, **kept, **fields)


def test_taking_a_snapshot_in_the_browser(client, resolved, head_of_service):
    import time_machine

    client.force_login(head_of_service)
    url = reverse("reports:snapshot_take")
    with time_machine.travel(datetime.datetime(2018, 1, 10, 12, tzinfo=datetime.UTC)):
        page = client.get(url).content.decode()
        # Only quarters that have ended, newest first: Q3 2017/18 back to Q1 2015/16.
        assert 'value="2017-3"' in page and 'value="2017-4"' not in page
        assert page.index("Q3 Oct - Dec 2017 (2017/18)") < page.index("Q2 Jul - Sep 2017")
        refused = client.post(url, {"quarter": "2017-4"})
        assert "Choose one of the quarters that have ended" in refused.content.decode()
        assert "There is a problem" in client.post(url, {}).content.decode()
        taken = client.post(url, {"quarter": "2017-3"})
        assert taken.status_code == 302
        again = client.post(url, {"quarter": "2017-3", "reason": ""}).content.decode()
        assert "Error:" in again and "say why it is being taken again" in again
        assert 'href="#id_reason"' in again
        assert ScorecardSnapshot.objects.count() == 1
        client.post(url, {"quarter": "2017-3", "reason": "Late closure recorded"})
    first, second = ScorecardSnapshot.objects.order_by("pk")
    client.force_login(head_of_service)  # the session signed in in 2018 has expired
    listing = client.get(reverse("reports:snapshots")).content.decode()
    assert "Replaced" in listing and "Late closure recorded" in listing
    page = client.get(reverse("reports:snapshot", args=[first.pk])).content.decode()
    assert f'Replaced by <a class="govuk-link" href="/reports/snapshots/{second.pk}/"' in page
    # The frozen figures, readable: tables under the scorecard's own titles.
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">7. Cases resolved '
        "in the period</caption>" in page
    )
    assert "Active cases by year group" in page and "year_group" not in page


def test_changes_are_named_by_the_scorecards_titles(resolved):
    snapshot = services.snapshot_take(year=2017, quarter=3)
    Episode.objects.filter(pk=resolved[0].pk).update(
        status="OPEN", closed_on=None, closure_outcome=None
    )
    labels = {change["label"] for change in selectors.snapshot_changes(snapshot)}
    assert "Families with active cases by size" in labels
    assert "7. Cases resolved in the period" in labels
    assert not labels & {"year_group", "family_size"}


def test_the_schedule_leaves_a_quarter_already_taken_by_hand(resolved, head_of_service):
    import time_machine

    with time_machine.travel(datetime.datetime(2018, 1, 1, 9, tzinfo=datetime.UTC)):
        by_hand = services.snapshot_take(year=2017, quarter=3, by=head_of_service)
    with time_machine.travel(datetime.datetime(2018, 1, 2, 7, tzinfo=datetime.UTC), tick=False):
        assert snapshot_scorecard.apply().get() == by_hand.pk
    assert ScorecardSnapshot.objects.count() == 1


def test_a_snapshot_s_files_are_made_before_it_takes_the_lock(resolved, head_of_service,
                                                              monkeypatch):  # fmt: skip
    """A PDF takes seconds: no one waits on the snapshot lock for it."""
    from django.db import connection

    from cme_tracker.core import locks

    made = services.scorecard_pdf
    held = []

    def pdf(card):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                           "AND objsubid = 1 AND objid = %s AND pid = pg_backend_pid()",
                           [locks.SNAPSHOT])  # fmt: skip
            held.append(cursor.fetchone()[0])
        return made(card)

    monkeypatch.setattr(services, "scorecard_pdf", pdf)
    assert services.snapshot_take(year=2017, quarter=3, by=head_of_service).pdf
    assert held == [0]


def test_a_snapshot_taken_by_someone_else_meanwhile_needs_a_reason(resolved, head_of_service,
                                                                   monkeypatch):  # fmt: skip
    """Looked at again under the lock: the other snapshot came first, so this one would take
    the quarter again, and says so rather than superseding it unasked."""
    made = services.scorecard_pdf
    others = []

    def pdf(card):
        monkeypatch.setattr(services, "scorecard_pdf", made)
        # while this snapshot is being made, someone else takes one
        others.append(services.snapshot_take(year=2017, quarter=3, by=head_of_service))
        return made(card)

    monkeypatch.setattr(services, "scorecard_pdf", pdf)
    with pytest.raises(services.SnapshotRefused, match="already has a snapshot, taken"):
        services.snapshot_take(year=2017, quarter=3, by=head_of_service)
    assert list(ScorecardSnapshot.objects.all()) == others
    # ...and the schedule, finding it taken, leaves it.
    assert services.snapshot_take(year=2017, quarter=3, scheduled=True) is None
    assert ScorecardSnapshot.objects.count() == 1
