"""Reminders and tasks: an officer sets a reminder on a case, a manager gives an officer a
task; each shows on its person's caseload on the day and comes in the daily alert run; its
person marks it done; overdue ones count on caseload aging."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.errors import CaseError
from cases.models import Alert, CaseTask, Notification
from cme_tracker.core import roles
from tests.cases.factories import EpisodeFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
TOMORROW = TODAY + datetime.timedelta(days=1)


def day_fields(day, name="due_on"):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_an_officers_reminder_shows_on_their_caseload_on_the_day(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    for day, text in ((TODAY, "Ring the school back"), (TOMORROW, "Chase the housing reply")):
        response = client.post(reverse("cases:reminder_add", args=[episode.pk]),
                               {**day_fields(day), "text": text})  # fmt: skip
        assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Your reminders and tasks due" in home and "Ring the school back" in home
    assert "Chase the housing reply" not in home  # tomorrow's
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Chase the housing reply" in page and "Reminder for" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Reminder set" in history and f"For {officer}" in history


def test_a_reminder_in_the_past_or_without_words_is_refused_and_nothing_saved(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    url = reverse("cases:reminder_add", args=[episode.pk])
    past = client.post(url, {**day_fields(TODAY - datetime.timedelta(days=1)), "text": "x"})
    assert "The date must be today or later" in past.content.decode()
    empty = client.post(url, {**day_fields(TODAY), "text": ""})
    assert "Enter what to remember" in empty.content.decode()
    assert not CaseTask.objects.exists()


def test_a_manager_gives_an_officer_a_task_and_the_officer_marks_it_done(client, officer, manager):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(manager)
    response = client.post(reverse("cases:task_assign", args=[episode.pk]),
                           {"owner": officer.pk, **day_fields(TODAY),
                            "text": "Visit the new address"})  # fmt: skip
    assert response.status_code == 302
    task = CaseTask.objects.get()
    assert (task.kind, task.owner, task.set_by) == ("TASK", officer, manager)
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "Visit the new address" in home and f"from {manager}" in home
    done = client.post(reverse("cases:task_done", args=[episode.pk, task.pk]))
    assert done.status_code == 302
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (TODAY, officer)
    assert "Visit the new address" not in client.get("/").content.decode()
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Task given" in history and "Reminder or task done" in history


def test_a_task_goes_only_to_someone_who_works_the_case(client, officer, manager):
    colleague = _user_with_role(roles.CME_OFFICER)
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(manager)
    response = client.post(
        reverse("cases:task_assign", args=[episode.pk]),
        {"owner": colleague.pk, **day_fields(TODAY), "text": "Visit"},
    )
    assert "does not work this case" in response.content.decode()
    assert not CaseTask.objects.exists()
    client.force_login(officer)  # and only a manager gives tasks
    assert client.get(reverse("cases:task_assign", args=[episode.pk])).status_code == 403
    with pytest.raises(CaseError, match="Only a manager"):
        services.task_assign(episode=episode, owner=officer, due_on=TODAY, text="x", by=officer)


def test_only_its_person_marks_a_reminder_done(client, officer, manager):
    episode = EpisodeFactory(allocated_officer=officer)
    [reminder] = [services.reminder_set(episode=episode, due_on=TODAY, text="Ring mum",
                                        by=officer)]  # fmt: skip
    client.force_login(manager)
    response = client.post(reverse("cases:task_done", args=[episode.pk, reminder.pk]),
                           follow=True)  # fmt: skip
    assert "Only the person it is for marks it done" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.done_on is None


def test_the_daily_alert_run_tells_its_person_on_the_day_once(officer, manager, mailoutbox):
    episode = EpisodeFactory(allocated_officer=officer)
    services.task_assign(episode=episode, owner=officer, due_on=TODAY,
                         text="Check the GP register for Amara", by=manager)  # fmt: skip
    services.reminder_set(episode=episode, due_on=TOMORROW, text="Later", by=officer)
    services.overdue_alerts_send(today=TODAY)
    services.overdue_alerts_send(today=TODAY)  # run twice: told once
    alert = Alert.objects.get(level=Alert.Level.TASK)
    assert alert.episode == episode and alert.task.text.startswith("Check the GP")
    assert list(Notification.objects.filter(alert=alert).values_list("recipient", flat=True)) == [
        officer.pk
    ]
    [email] = [m for m in mailoutbox if "reminder or task of yours" in m.body]
    assert email.to == [officer.email] and episode.reference in email.body
    assert "Amara" not in email.body and "GP register" not in email.body


def test_overdue_reminders_and_tasks_count_on_caseload_aging(client, officer, manager):
    late = EpisodeFactory(allocated_officer=officer)
    EpisodeFactory(allocated_officer=officer)
    task = services.task_assign(episode=late, owner=officer, due_on=TODAY, text="Visit",
                                by=manager)  # fmt: skip
    CaseTask.objects.filter(pk=task.pk).update(due_on=TODAY - datetime.timedelta(days=3))
    client.force_login(manager)
    response = client.get(reverse("reports:caseload"))
    assert "With overdue reminders or tasks" in response.content.decode()
    [line] = [line for line in response.context["aging"]["officers"]
              if line.filters == {"officer": officer.pk}]  # fmt: skip
    assert (line.tasks_overdue, line.total) == (1, 2)
    assert response.context["aging"]["total"].tasks_overdue == 1
    count, link = line.cells[-3]
    assert count == 1 and "task=overdue" in link
    listed = client.get(link).content.decode()
    assert late.reference in listed


def test_a_sensitive_cases_task_text_is_hidden_from_a_colleague(client, officer, manager):
    episode = EpisodeFactory(allocated_officer=officer, is_sensitive=True)
    services.reminder_set(episode=episode, due_on=TODAY, text="Ask the refuge", by=officer)
    colleague = _user_with_role(roles.CME_OFFICER)
    client.force_login(colleague)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Ask the refuge" not in page and f"Reminder for {officer}" in page
