"""Alerts on a real Celery worker over the real Redis: end to end, twice at once, a worker
killed mid-task, and Redis stopped while officers keep working."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from cases import tasks
from cases.models import Alert, Notification
from cme_tracker import embedded
from cme_tracker.celery import app
from cme_tracker.core import locks, outbox
from cme_tracker.core.models import JobRun, OutboxMessage
from tests.cases.factories import ChildFactory, EnquiryFactory, EpisodeFactory
from tests.conftest import _user_with_role, load_reference_data

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
MONDAY = "2026-11-23"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def empty_queue():
    """Nothing left on the queue by earlier tests reaches these workers."""
    app.control.purge()


@pytest.fixture
def people(transactional_db):
    from cme_tracker.core import roles

    load_reference_data()
    return {
        "officer": _user_with_role(roles.CME_OFFICER, email="officer@example.org"),
        "manager": _user_with_role(roles.TEAM_MANAGER, email="manager@example.org"),
    }


@pytest.fixture
def overdue_case(people):
    """One case with one enquiry overdue since Tuesday 17 November: one alert on Monday 23rd
    (escalation comes after five working days overdue, so not yet)."""
    episode = EpisodeFactory(
        child=ChildFactory(forename="Secretname"), allocated_officer=people["officer"],
        referral_date=D(2026, 11, 2),
    )  # fmt: skip
    EnquiryFactory(episode=episode, requested_on=D(2026, 11, 10), due_on=D(2026, 11, 17))
    return episode


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up after {seconds:.0f} s waiting for {condition.__doc__}")


def runs(status=None):
    found = JobRun.objects.filter(job="send_overdue_alerts")
    return found.filter(status=status) if status else found


class AdvisoryLock:
    """Hold the scan's lock from another session, so a task that starts it waits inside."""

    def __enter__(self):
        db = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None,
            password=db["PASSWORD"] or None, autocommit=True,
        )  # fmt: skip
        self.conn.execute("SELECT pg_advisory_lock(%s)", [locks.OVERDUE_SCAN])
        return self

    def release(self):
        if self.conn is not None:
            self.conn.close()  # ends the session, releasing the lock
            self.conn = None

    def __exit__(self, *exc):
        self.release()


def test_the_scan_runs_end_to_end_on_a_worker(overdue_case, people):
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        tasks.send_overdue_alerts.delay(MONDAY)

        def finished():
            """the scan's run to finish"""
            return runs(JobRun.Status.SUCCEEDED).exists()

        wait_for(finished)
    run = runs().get()
    assert run.counts == {"alerts": 1} and run.trigger == "schedule" and run.finished_at
    alert = Alert.objects.get()
    assert (alert.level, alert.episode) == (Alert.Level.OVERDUE, overdue_case)
    assert Notification.objects.get().recipient == people["officer"]
    [email] = mail.outbox
    assert overdue_case.reference in email.body and "Secretname" not in email.body


def test_two_runs_at_once_raise_each_alert_once(overdue_case):
    with (
        start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                     shutdown_timeout=30),
        AdvisoryLock() as lock,
    ):  # fmt: skip
        tasks.send_overdue_alerts.delay(MONDAY)
        tasks.send_overdue_alerts.delay(MONDAY)

        def both_started():
            """both runs to be waiting on the scan at the same time"""
            return runs(JobRun.Status.RUNNING).count() == 2

        wait_for(both_started)
        lock.release()

        def both_finished():
            """both runs to finish"""
            return runs(JobRun.Status.SUCCEEDED).count() == 2

        wait_for(both_finished)
    assert sorted(run.counts["alerts"] for run in runs()) == [0, 1]
    assert Alert.objects.count() == 1 and Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_worker_killed_mid_task_leaves_it_to_another_which_completes_it_once(overdue_case):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme_tracker.settings.test",
        "CME_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "REDIS_URL": settings.REDIS_URL,
    }
    with AdvisoryLock() as lock:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "cme_tracker", "worker", "--pool", "solo",
             "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            tasks.send_overdue_alerts.delay(MONDAY)

            def started():
                """the first worker to start the scan"""
                return runs(JobRun.Status.RUNNING).exists()

            wait_for(started)
            worker.send_signal(signal.SIGKILL)  # mid-task: it is waiting inside the scan
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        lock.release()
    assert not Alert.objects.exists()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):

        def completed():
            """another worker to take the task up again and finish it"""
            return runs(JobRun.Status.SUCCEEDED).exists()

        wait_for(completed)
        time.sleep(2 * app.conf.broker_transport_options["visibility_timeout"])
    killed, = runs(JobRun.Status.RUNNING)  # fmt: skip
    assert killed.finished_at is None  # the record shows the run that died
    assert runs(JobRun.Status.SUCCEEDED).count() == 1  # done once, not again
    assert Alert.objects.count() == 1 and Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_with_redis_stopped_a_case_saves_and_the_officer_hears_once_it_returns(client, people):
    episode = EpisodeFactory(referral_date=D(2026, 11, 2))
    client.force_login(people["manager"])
    embedded.stop_redis(settings.DATA_DIR)
    try:
        response = client.post(
            reverse("cases:allocate", args=[episode.pk]),
            {"version": episode.version, "officer": people["officer"].pk},
        )
    finally:
        embedded.redis_url(settings.DATA_DIR)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.allocated_officer == people["officer"]
    message = OutboxMessage.objects.get()
    # One attempt, failed at once; not a retry loop holding the request.
    assert message.published_at is None and message.attempts == 1 and message.last_error
    assert not Notification.objects.exists()

    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        swept = outbox.sweep(older_than=datetime.timedelta(0))  # what beat runs each minute
        assert swept == {"published": 1, "still_pending": 0}

        def notified():
            """the officer's notification"""
            return Notification.objects.filter(recipient=people["officer"]).exists()

        wait_for(notified)
    notification = Notification.objects.get()
    assert notification.alert.level == Alert.Level.ALLOCATED
    assert notification.emailed_at is not None
    [email] = mail.outbox
    assert email.to == ["officer@example.org"] and episode.reference in email.body
    assert outbox.sweep(older_than=datetime.timedelta(0)) == {"published": 0, "still_pending": 0}
