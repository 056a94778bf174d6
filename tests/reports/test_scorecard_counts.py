"""The scorecard's counts, kept by database triggers, always equal counts made afresh, and
are counted as each change commits, so that reading never writes.

Random but repeatable histories of every kind of change the triggers watch (episodes,
children, enquiries, services; one row or many in a statement; deletions) are checked against
``reports_count_afresh()``, which recomputes everything from the case tables. (That shares the
counting SQL; ``test_scorecard_oracle`` checks the figures against the domain's definitions.)
"""

import csv
import datetime
import os
import random
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction

from cases.models import (
    ClosureOutcome,
    Enquiry,
    EnquiryType,
    Episode,
    Ethnicity,
    Locality,
    OpenToService,
)
from reports.counting import count_afresh
from reports.models import UncountedChange
from reports.scorecard import scorecard
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory
from tests.conftest import load_reference_data

D = datetime.date


def counts() -> dict:
    """The counts as they stand: each change was counted as it was made."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT measure, key, period, count FROM reports_scorecardcount WHERE count <> 0"
        )
        return {row[:3]: row[3] for row in cursor.fetchall()}


def facts_differ_from_source() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(column_name, ', ') FROM information_schema.columns "
            "WHERE table_name = 'reports_episodefact'"
        )
        columns = cursor.fetchone()[0]
        fact = f"SELECT {columns} FROM reports_episodefact"
        source = f"SELECT {columns} FROM reports_episodefact_source"
        cursor.execute(
            f"SELECT count(*) FROM (({fact} EXCEPT {source}) UNION ALL ({source} EXCEPT {fact}))"
            " AS difference"
        )
        return cursor.fetchone()[0]


def assert_counts_exact():
    kept = counts()
    assert facts_differ_from_source() == 0  # every change was counted as it was made
    count_afresh()
    assert kept == counts()


FIRST_DAY = D(2016, 1, 1)


def day(rng, start=FIRST_DAY, days=1500):
    return start + datetime.timedelta(days=rng.randrange(days))


class History:
    """Makes random changes of every kind the scorecard's triggers watch."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.outcomes = list(ClosureOutcome.objects.all())
        self.localities = [*Locality.objects.all(), None]
        self.ethnicities = [*Ethnicity.objects.all()[:5], None]
        self.services = list(OpenToService.objects.all())
        self.families = [FamilyFactory() for _ in range(3)]
        self.enquiry_type = EnquiryType.objects.first()

    def child(self):
        rng = self.rng
        return ChildFactory(
            family=rng.choice([*self.families, None]), gender=rng.choice(["MALE", "FEMALE"]),
            date_of_birth=day(rng, D(2006, 1, 1), 3000), ethnicity=rng.choice(self.ethnicities),
        )  # fmt: skip

    def episode(self, child=None):
        rng = self.rng
        referred = day(rng)
        fields = {"child": child or self.child(), "referral_date": referred,
                  "locality": rng.choice(self.localities), "fsm_at_referral": rng.random() < .5,
                  "school_phase": rng.choice(["PRIMARY", "SECONDARY", "UNKNOWN"])}  # fmt: skip
        if rng.random() < 0.3:
            fields["removal_from_roll_authorised_on"] = referred + datetime.timedelta(days=40)
        open_already = child is not None and child.episodes.filter(status="OPEN").exists()
        if open_already or rng.random() < 0.7:
            fields.update(status="CLOSED", closed_on=referred + datetime.timedelta(
                days=rng.randrange(0, 500)), closure_outcome=rng.choice(self.outcomes))  # fmt: skip
        episode = EpisodeFactory(**fields)
        if rng.random() < 0.4:
            episode.open_to_services.set(rng.sample(self.services, 2))
        return episode

    def enquiry(self, episode):
        rng = self.rng
        requested = episode.referral_date + datetime.timedelta(days=rng.randrange(-2, 60))
        due = requested + datetime.timedelta(days=rng.randrange(0, 30))
        completed = rng.choice([None, requested, due + datetime.timedelta(days=rng.randrange(200))])
        return Enquiry.objects.create(
            episode=episode, enquiry_type=self.enquiry_type, made_to="School",
            requested_on=requested, due_on=due, completed_on=completed,
        )  # fmt: skip

    def change(self):
        """One random change, through the ORM as the application makes them."""
        rng = self.rng
        episodes = list(Episode.objects.all())
        enquiries = list(Enquiry.objects.all())
        action = rng.choice(
            ["new", "again", "enquiry", "edit", "close", "reopen", "child", "family",
             "services", "respond", "drop enquiry", "drop episode", "many", "move"]
        )  # fmt: skip
        if action == "new" or not episodes:
            self.episode()
        elif action == "again":  # a later episode of a child seen before
            self.episode(rng.choice(episodes).child)
        elif action == "enquiry":
            self.enquiry(rng.choice(episodes))
        elif action == "edit":
            episode = rng.choice(episodes)
            episode.referral_date -= datetime.timedelta(days=rng.randrange(1, 200))
            episode.locality = rng.choice(self.localities)
            episode.save()
        elif action == "close":
            episode = rng.choice(episodes)
            episode.status, episode.closure_outcome = "CLOSED", rng.choice(self.outcomes)
            episode.closed_on = episode.referral_date + datetime.timedelta(days=rng.randrange(90))
            episode.save()
        elif action == "reopen":
            episode = rng.choice(episodes)
            episode.status, episode.closed_on, episode.closure_outcome = "OPEN", None, None
            if not Episode.objects.filter(child=episode.child, status="OPEN").exists():
                episode.save()
        elif action == "child":
            child = rng.choice(episodes).child
            child.gender = rng.choice(["MALE", "FEMALE", "NOT_KNOWN"])
            child.date_of_birth = day(rng, D(2006, 1, 1), 3000)
            child.ethnicity = rng.choice(self.ethnicities)
            child.save()
        elif action == "family":  # moves a child into, out of or between families
            child = rng.choice(episodes).child
            child.family = rng.choice([*self.families, None])
            child.save()
        elif action == "services":
            rng.choice(episodes).open_to_services.set(rng.sample(self.services, rng.randrange(3)))
        elif action == "respond" and enquiries:
            enquiry = rng.choice(enquiries)
            enquiry.completed_on = enquiry.due_on + datetime.timedelta(days=rng.randrange(300))
            enquiry.save()
        elif action == "drop enquiry" and enquiries:
            rng.choice(enquiries).delete()
        elif action == "drop episode":
            episode = rng.choice(episodes)
            episode.enquiries.all().delete()
            episode.delete()
        elif action == "move":  # a closed episode filed under another child
            closed = [e for e in episodes if e.status == "CLOSED"]
            if closed:
                Episode.objects.filter(pk=rng.choice(closed).pk).update(
                    child=rng.choice(episodes).child
                )
        elif action == "many":  # one statement changing many rows
            Episode.objects.filter(pk__in=[e.pk for e in rng.sample(episodes, 3)]
                                   if len(episodes) >= 3 else []).update(
                school_phase="SPECIAL", fsm_at_referral=None)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_stay_exact_through_every_kind_of_change(seed):
    history = History(seed)
    for _ in range(12):
        history.episode()
    assert_counts_exact()
    for step in range(60):
        history.change()
        if step % 10 == 9:
            assert_counts_exact()
    assert_counts_exact()


@pytest.mark.django_db
def test_changes_the_scorecard_does_not_read_leave_the_counts_alone():
    episode = EpisodeFactory(referral_date=D(2017, 5, 1))
    before = counts()
    episode.closure_details = {"note": "read by nobody"}
    episode.save()
    assert not UncountedChange.objects.exists()  # nothing to count again
    assert counts() == before
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 1


@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_cases_at_once_both_count():
    """Each transaction's changes are counted; one waits for the other, neither fails."""
    first = EpisodeFactory(referral_date=D(2017, 5, 1))
    second = EpisodeFactory(referral_date=D(2017, 5, 2))
    started = threading.Event()
    errors = []

    def change(episode, wait_for_other):
        try:
            with transaction.atomic():
                Episode.objects.filter(pk=episode.pk).update(referral_date=D(2017, 8, 1))
                started.set()
                if wait_for_other:
                    started.wait(5)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(first, True)),
               threading.Thread(target=change, args=(second, False))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    card = scorecard(2017, today=D(2018, 4, 30))
    assert card.row("1a").quarters == [0, 2, 0, 0]  # both moved from Q1 to Q2
    assert_counts_exact()


@pytest.mark.django_db
def test_bulk_imports_keep_the_counts_exact(tmp_path):
    from tests.cases.test_bulk_import import run, sibling_rows, write

    EpisodeFactory(referral_date=D(2015, 6, 1))  # a case already recorded, still open
    rows = sibling_rows()
    assert run(write(tmp_path, rows)).imported
    assert_counts_exact()
    # A second file: a child's gender and services change, and an open case closes.
    rows[2].update(gender="Female", open_to="Children's Social Care")
    rows[1].update(closed_date="2018-03-01", closure_outcome="FOUND_SCHOOL_THIS_LA")
    report = run(write(tmp_path, rows, name="again.csv"))
    assert report.imported and report.episodes_updated == 2, report.errors
    assert_counts_exact()
    card = scorecard(2017, today=D(2018, 11, 23))
    assert card.value("7") == 3  # all three of the file's episodes are now resolved


@contextmanager
def counting_triggers_off(owner_connection):
    """A bulk load as a council's DBA might run one: the owner switches the triggers off."""
    tables = ["cases_child", "cases_episode", "cases_enquiry", "cases_episode_open_to_services"]
    for table in tables:
        owner_connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        for table in tables:
            owner_connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.mark.django_db(transaction=True)
def test_counts_loaded_with_triggers_off_are_made_afresh_by_the_command(owner_connection):
    from io import StringIO

    from django.core.management import call_command

    load_reference_data()
    with counting_triggers_off(owner_connection):
        EpisodeFactory(referral_date=D(2017, 5, 1))
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 0  # not yet counted
    out = StringIO()
    call_command("rebuild_scorecard_counts", stdout=out)
    assert "scorecard counts made afresh" in out.getvalue()
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 1
    assert_counts_exact()


@pytest.mark.django_db(transaction=True)
def test_a_change_is_counted_as_its_transaction_commits():
    load_reference_data()
    with transaction.atomic():
        episode = EpisodeFactory(referral_date=D(2017, 5, 1))
        # noted, not yet counted: the counting waits for the commit
        assert list(UncountedChange.objects.values_list("child_id", flat=True)) == [
            episode.child_id
        ]
    assert not UncountedChange.objects.exists()
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 1
    assert_counts_exact()


@pytest.mark.django_db
def test_an_import_s_counts_are_counted_before_it_reports_that_it_has_finished(tmp_path):
    from cme_tracker.core.models import OutboxMessage
    from tests.cases.test_bulk_import import run, sibling_rows, write

    assert run(write(tmp_path, sibling_rows())).imported
    assert not UncountedChange.objects.exists()
    assert not OutboxMessage.objects.filter(task__startswith="reports.").exists()
    assert scorecard(2017, today=D(2018, 11, 23)).value("1a") == 3
    assert_counts_exact()


@pytest.mark.django_db(transaction=True)
def test_a_change_made_at_another_isolation_level_is_left_to_the_schedule():
    """Counting is exact only at READ COMMITTED, so a REPEATABLE READ writer's change waits
    (uncounted, and the scorecard without it) for the overnight count."""
    from django.conf import settings

    from cme_tracker.core.models import JobRun
    from reports.tasks import count_changes

    load_reference_data()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        EpisodeFactory(referral_date=D(2017, 5, 1))
    assert UncountedChange.objects.count() == 1
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 0
    entry = settings.CELERY_BEAT_SCHEDULE["scorecard-counts"]
    assert entry["task"] == "reports.tasks.count_changes"
    assert count_changes.apply(args=entry["args"]).get() == 1
    assert JobRun.objects.get(job="count_changes").trigger == "schedule"
    assert not UncountedChange.objects.exists()
    assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 1


@pytest.mark.django_db(transaction=True)
def test_the_scorecard_reads_on_a_read_only_connection():
    """What a report replica allows: ``default_transaction_read_only`` for the whole session."""
    load_reference_data()
    EpisodeFactory(referral_date=D(2017, 5, 1))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme_tracker.settings.test",
        "CME_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "PGOPTIONS": "-c default_transaction_read_only=on",
    }
    args = ["manage.py", "scorecard", "--year", "2017/18", "--today", "2018-04-30"]
    done = subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=Path(__file__).parents[2], env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    row = next(r for r in csv.reader(done.stdout.splitlines()) if r[1] == "1a" and not r[3])
    assert row[4] == "1"  # the one referral, in the first quarter
    # ...and the same connection refuses a write, so the read above wrote nothing.
    bad = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "rebuild_scorecard_counts"], cwd=Path(__file__).parents[2],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0 and "read-only transaction" in bad.stderr


@pytest.mark.django_db(transaction=True)
def test_an_episode_found_under_another_child_than_it_was_counted_under_is_counted_once(
    owner_connection,
):
    load_reference_data()
    first, second = ChildFactory(), ChildFactory()
    episode = EpisodeFactory(child=first, referral_date=D(2017, 5, 1))
    counts()
    # The episode moves without its note (as when the move commits while counting runs)...
    with counting_triggers_off(owner_connection):
        Episode.objects.filter(pk=episode.pk).update(child=second)
    second.gender = "MALE"  # ...and only the child it moved to is noted
    second.save()
    card = scorecard(2017, today=D(2018, 4, 30))
    assert card.value("1a") == 1
    assert card.row("2", "Male").quarters[0] == 1
    assert_counts_exact()


@pytest.mark.django_db(transaction=True)
def test_counting_refuses_an_isolation_level_it_cannot_be_exact_at():
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="READ COMMITTED"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT reports_count_changes()")


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_read_from_a_replica_when_there_is_one(settings):
    """The scorecard's and the DfE return's reads go to the replica's connection (read-only
    here, as a replica is), and nothing else does."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from reports.dfe import dfe_return

    load_reference_data()
    EpisodeFactory(referral_date=D(2017, 5, 1))
    settings.REPORTS_DATABASE = "replica"
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert scorecard(2017, today=D(2018, 4, 30)).value("1a") == 1
        assert dfe_return(D(2017, 10, 5)).total == 1
    assert len(on_replica) > 10 and len(on_primary) == 0
    with pytest.raises(Exception, match="read-only transaction"), transaction.atomic("replica"):
        Episode.objects.using("replica").update(school_phase="SPECIAL")
