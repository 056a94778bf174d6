"""The overdue scan: who is told what, once, and never about closed cases."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from cases import services
from cases.models import Alert, Notification
from cme_tracker.core import roles
from tests.cases.factories import (
    ChildFactory,
    ClosedEpisodeFactory,
    EnquiryFactory,
    EpisodeFactory,
)
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MONDAY = D(2026, 11, 23)


@pytest.fixture
def case(officer, manager):
    episode = EpisodeFactory(
        child=ChildFactory(forename="Secretname"), allocated_officer=officer,
        referral_date=D(2026, 11, 2),
    )  # fmt: skip
    EnquiryFactory(episode=episode, requested_on=D(2026, 11, 10), due_on=D(2026, 11, 17))
    return episode


def test_an_overdue_enquiry_notifies_the_officer_once(case, officer, manager):
    sent = services.overdue_alerts_send(today=MONDAY)  # 4 working days overdue
    assert [(n.alert.level, n.recipient) for n in Notification.objects.all()] == [
        ("OVERDUE", officer)
    ]
    assert sent == 1
    assert services.overdue_alerts_send(today=MONDAY) == 0
    assert services.overdue_alerts_send(today=D(2026, 11, 24)) == 1  # 5 working days: escalate
    escalation = Notification.objects.get(alert__level="ESCALATED")
    assert escalation.recipient == manager


def test_the_email_carries_the_reference_and_a_link_but_no_name(case):
    services.overdue_alerts_send(today=MONDAY)
    [email] = mail.outbox
    assert case.reference in email.subject
    assert f"/cases/{case.pk}/" in email.body
    assert "Secretname" not in email.subject + email.body


def test_nothing_for_closed_cases_or_completed_enquiries(officer):
    EnquiryFactory(episode=ClosedEpisodeFactory(allocated_officer=officer),
                   requested_on=D(2024, 10, 8), due_on=D(2024, 10, 9))  # fmt: skip
    EnquiryFactory(episode=EpisodeFactory(allocated_officer=officer, referral_date=MONDAY),
                   requested_on=D(2026, 11, 2), due_on=D(2026, 11, 3),
                   completed_on=D(2026, 11, 20))  # fmt: skip
    assert services.overdue_alerts_send(today=MONDAY) == 0


def test_a_quiet_case_is_flagged_to_managers_after_twenty_working_days(manager):
    second = UserFactory()
    second.groups.add(Group.objects.get(name=roles.TEAM_MANAGER))
    EpisodeFactory(referral_date=D(2026, 10, 26))  # 20 working days before 23 November
    services.overdue_alerts_send(today=D(2026, 11, 20))
    assert not Alert.objects.exists()
    services.overdue_alerts_send(today=MONDAY)
    assert {n.recipient for n in Notification.objects.filter(alert__level="STALE")} == {
        manager,
        second,
    }


def test_the_database_allows_each_alert_once(case):
    enquiry = case.enquiries.get()
    Alert.objects.create(level="OVERDUE", episode=case, enquiry=enquiry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(level="OVERDUE", episode=case, enquiry=enquiry)


def test_the_command_says_how_many_it_sent(case, capsys):
    call_command("send_overdue_alerts", today=MONDAY)
    assert capsys.readouterr().out.strip().splitlines()[-1] == "sent 1 alert"
    call_command("send_overdue_alerts", today=MONDAY)
    assert capsys.readouterr().out.strip().splitlines()[-1] == "sent 0 alerts"


def test_notifications_page_and_unread_count(client, case, officer):
    services.overdue_alerts_send(today=MONDAY)
    client.force_login(officer)
    html = client.get("/cases/notifications/").content.decode()
    assert '1<span class="govuk-visually-hidden"> unread</span>' in html
    assert case.reference in html and "Enquiry overdue" in html
    client.post("/cases/notifications/read/")
    html = client.get("/").content.decode()
    assert "unread</span>" not in html
    assert Notification.objects.get().read_at is not None


def test_an_allocation_email_reads_as_a_sentence(mailoutbox, officer, manager):
    from cases import services
    from cases.models import Event

    officer.email = "officer@example.org"
    officer.save()
    episode = EpisodeFactory()
    services.episode_allocate(episode=episode, officer=officer, by=manager)
    services.allocation_notify(event_id=Event.objects.get(verb="episode.allocated").pk)
    [mail] = mailoutbox
    assert mail.body.startswith(f"Case {episode.reference} has been allocated to you.\n")


def _overdue_cases(count: int, officer, start: int = 0):
    for i in range(start, start + count):
        episode = EpisodeFactory(allocated_officer=officer, referral_date=D(2026, 11, 2),
                                 child=ChildFactory(forename=f"Secret{i}"))  # fmt: skip
        EnquiryFactory(episode=episode, requested_on=D(2026, 11, 3), due_on=D(2026, 11, 9))


def test_an_officer_with_several_alerts_gets_one_email_listing_them(officer, manager):
    _overdue_cases(3, officer)
    services.overdue_alerts_send(today=MONDAY)  # 10 working days: overdue and escalated
    by_person = {tuple(email.to): email for email in mail.outbox}
    assert set(by_person) == {(manager.email,), (officer.email,)}
    to_officer = by_person[(officer.email,)]
    assert to_officer.subject == "CME: 3 new alerts about cases"
    cases = Notification.objects.filter(recipient=officer).values_list("alert__episode", flat=True)
    for pk in cases:
        assert f"/cases/{pk}/" in to_officer.body
    assert to_officer.body.count("is overdue.") == 3 and "Secret" not in to_officer.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_scan_makes_as_many_statements_for_thirty_alerts_as_for_three(officer, manager):
    from django.db import connection

    def statements(run):
        made = []

        def counted(execute, sql, *args):
            made.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(counted):
            run()
        return len(made)

    _overdue_cases(3, officer)
    few = statements(lambda: services.overdue_alerts_send(today=MONDAY))
    assert Notification.objects.count() == 6  # each: overdue to the officer, escalated
    _overdue_cases(30, officer, start=3)
    many = statements(lambda: services.overdue_alerts_send(today=MONDAY))
    assert Notification.objects.count() == 66
    assert many == few
