"""Snapshots: frozen figures and files, compared with the live scorecard."""

import datetime

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.urls import reverse

from cases.models import ClosureOutcome, Episode
from reports import services
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
    changes = services.snapshot_changes(ScorecardSnapshot.objects.get(pk=snapshot.pk))
    assert {"indicator": "7", "label": "Cases resolved in the period", "breakdown": "",
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
    assert services.snapshot_due(datetime.date(2026, 10, 1)) == Quarter(2026, 2)  # Thursday
    assert services.snapshot_due(datetime.date(2026, 10, 2)) is None
    # 31 December 2026 is a Thursday; Friday 1 January is a bank holiday, then a weekend:
    # the first working day is Monday 4 January.
    assert services.snapshot_due(datetime.date(2027, 1, 1)) is None
    assert services.snapshot_due(datetime.date(2027, 1, 4)) == Quarter(2026, 3)
    assert services.snapshot_due(datetime.date(2027, 1, 5)) is None


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
