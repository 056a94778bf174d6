"""The outbox keeps work a case change asked for; job runs show administrators what ran."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from cases import services
from cases.models import Alert, Event, Notification
from cme_tracker.core import jobs, outbox
from cme_tracker.core.models import JobRun, OutboxMessage
from tests.cases.factories import EnquiryFactory, EpisodeFactory

pytestmark = pytest.mark.django_db


def test_work_is_recorded_only_if_the_case_change_commits(manager, officer):
    episode = EpisodeFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.episode_allocate(episode=episode, officer=officer, by=manager)
        raise RuntimeError("the save fails after the allocation")
    assert not OutboxMessage.objects.exists()
    services.episode_allocate(episode=episode, officer=officer, by=manager)
    message = OutboxMessage.objects.get()
    assert message.task == "cases.tasks.notify_allocation"
    event = Event.objects.get(verb="episode.allocated")
    assert message.args == [event.pk]


def test_allocating_a_case_tells_the_officer_once(manager, officer, mailoutbox):
    episode = EpisodeFactory()
    services.episode_allocate(episode=episode, officer=officer, by=manager)
    event = Event.objects.get(verb="episode.allocated")
    assert services.allocation_notify(event_id=event.pk) == 2  # the notification, the email
    assert services.allocation_notify(event_id=event.pk) == 0  # delivered twice: nothing more
    notification = Notification.objects.get()
    assert notification.recipient == officer and notification.alert.level == "ALLOCATED"
    assert len(mailoutbox) == 1 and episode.reference in mailoutbox[0].body


def test_officers_taking_a_case_themselves_are_not_told(officer):
    episode = EpisodeFactory()
    services.episode_allocate(episode=episode, officer=officer, by=officer)
    event = Event.objects.get(verb="episode.allocated")
    assert services.allocation_notify(event_id=event.pk) == 0
    assert not Alert.objects.exists()


def test_unallocating_a_case_queues_nothing(manager, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    services.episode_allocate(episode=episode, officer=None, by=manager)
    assert not OutboxMessage.objects.exists()


def test_the_sweep_leaves_fresh_messages_to_the_publish_after_commit():
    OutboxMessage.objects.create(task="cases.tasks.notify_allocation", args=[1])
    assert outbox.sweep() == {"published": 0, "still_pending": 1}


def test_a_failed_job_is_recorded_with_its_error():
    with pytest.raises(ValueError), jobs.recorded("send_overdue_alerts", trigger="command"):
        raise ValueError("no such quarter")
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED and run.finished_at
    assert run.error == "ValueError: no such quarter"


def test_the_command_records_its_run(officer, capsys):
    episode = EpisodeFactory(allocated_officer=officer, referral_date=datetime.date(2026, 11, 2))
    EnquiryFactory(
        episode=episode,
        requested_on=datetime.date(2026, 11, 10),
        due_on=datetime.date(2026, 11, 17),
    )
    call_command("send_overdue_alerts", "--today", "2026-11-23")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "sent 1 alert"
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.status, run.counts) == (
        "send_overdue_alerts",
        "command",
        "SUCCEEDED",
        {"alerts": 1},
    )


def test_administrators_see_job_runs_and_the_outbox_but_cannot_change_them(
    client, administrator, manager
):
    JobRun.objects.create(job="send_overdue_alerts", trigger="schedule")
    client.force_login(administrator)
    page = client.get(reverse("admin:core_jobrun_changelist"))
    assert page.status_code == 200 and "send_overdue_alerts" in page.content.decode()
    assert client.get(reverse("admin:core_outboxmessage_changelist")).status_code == 200
    assert client.get(reverse("admin:core_jobrun_add")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("admin:core_jobrun_changelist")).status_code == 302
