"""The statutory timescales are chased: on each working day the council's managers (and the
officer of a case the enquiry is on) are emailed, once for each reason, of every open joint
enquiry waiting on the council: no council enquiry in time, or the earliest day of deletion
come with no conclusion. The email names the enquiry, never the child."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from schools import tasks
from schools.enquiry_services import joint_enquiries_chase
from schools.models import JointEnquiry, JointEnquiryChase, JointEnquiryStep
from tests.core.factories import UserFactory
from tests.schools.conftest import start

pytestmark = pytest.mark.django_db
D = datetime.date

# The enquiry (ground (i)) started on Monday 23 November 2026, its clock on Monday 2 November:
# the earliest day of deletion is Saturday 28 November (the 20th school day is the 27th).
# With no council enquiry it is chased after 3 working days: from Friday 27 November.

CHILD = ["Amelia", "Nowak", "2014", "Canal Street", "DB1", "Ewa", "07700"]


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12,
                                                 tzinfo=datetime.UTC), tick=False)  # fmt: skip


def mailed(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message for message in mailoutbox}


def test_an_enquiry_waiting_on_the_council_is_chased_once_to_its_managers(
    enquiry, manager, officer, school_user, mailoutbox
):
    manager.email, officer.email, school_user.email = "m@example.org", "o@example.org", "s@x.org"
    for person in (manager, officer, school_user):
        person.save()
    with on(D(2026, 11, 26)):  # 3 working days on: not yet
        assert joint_enquiries_chase(today=D(2026, 11, 26)) == 0
    assert mailoutbox == []
    with on(D(2026, 11, 27)):  # the 4th: no council enquiry; deletion not yet due
        assert joint_enquiries_chase(today=D(2026, 11, 27)) == 1
    [email] = mailoutbox
    assert email.to == ["m@example.org"]  # not the officer (no case yet), never the school
    assert email.subject == f"CME: joint enquiry {enquiry.reference} needs the council"
    assert "Riverside Academy, ground (i)): no council enquiry recorded in the 3 working days" in (
        email.body
    )
    assert f"/school/joint-enquiries/{enquiry.pk}/" in email.body
    assert not [said for said in CHILD if said in email.body + email.subject]
    with on(D(2026, 11, 30)):  # Monday: the earliest day of deletion has come
        assert joint_enquiries_chase(today=D(2026, 11, 30)) == 1
        assert joint_enquiries_chase(today=D(2026, 11, 30)) == 0  # once
    with on(D(2026, 12, 1)):
        assert joint_enquiries_chase(today=D(2026, 12, 1)) == 0
    assert len(mailoutbox) == 2
    assert "the school may delete from 28 November 2026 and the council has not concluded" in (
        mailoutbox[1].body
    )
    assert sorted(JointEnquiryChase.objects.values_list("kind", "chased_on")) == [
        ("DELETION_DUE", D(2026, 11, 30)), ("NO_COUNCIL_ENQUIRY", D(2026, 11, 27)),
    ]  # fmt: skip


def test_a_case_officer_is_chased_too_and_a_council_enquiry_or_conclusion_ends_it(
    client, enquiry, case, manager, officer, school_user, riverside, mailoutbox
):
    from schools import enquiry_services

    manager.email, officer.email = "m@example.org", "o@example.org"
    manager.save()
    officer.save()
    enquiry_services.enquiry_link(enquiry=enquiry, episode=case, by=officer)
    JointEnquiryStep.objects.create(enquiry=enquiry, side="COUNCIL", made_on=D(2026, 11, 24),
                                    made="Council tax checked", recorded_by=officer)  # fmt: skip
    start(client, school_user, riverside, forename="Zofia")  # a second, ended by the school
    ended = JointEnquiry.objects.get(forename="Zofia")
    enquiry_services.enquiry_withdraw(enquiry=ended, by=school_user)
    with on(D(2026, 11, 30)):
        assert joint_enquiries_chase(today=D(2026, 11, 30)) == 1  # due; it had its enquiry
    by_address = mailed(mailoutbox)
    assert set(by_address) == {"m@example.org", "o@example.org"}
    for email in by_address.values():
        assert enquiry.reference in email.body and ended.reference not in email.body
        assert "no council enquiry" not in email.body and "Zofia" not in email.body


def test_the_chase_costs_the_same_queries_however_many_enquiries(
    client, enquiry, manager, school_user, riverside, mailoutbox
):
    manager.email = "m@example.org"
    manager.save()
    second_manager = UserFactory(email="m2@example.org")
    second_manager.groups.add(*manager.groups.all())
    counts = []
    for day, more in ((D(2026, 11, 27), 0), (D(2026, 12, 1), 3)):
        for n in range(more):
            start(client, school_user, riverside, forename=f"Child{'abc'[n]}")
        JointEnquiry.objects.update(started_at=datetime.datetime(2026, 11, 23, 12,
                                                                 tzinfo=datetime.UTC))  # fmt: skip
        with on(day), CaptureQueriesContext(connection) as queries:
            joint_enquiries_chase(today=day)
        counts.append(len(queries))
    # Its savepoint, the lock, the open enquiries, the chases made before, the new chases,
    # the managers, the savepoint's release.
    assert counts == [7, 7]
    assert JointEnquiryChase.objects.count() == 1 + 1 + 3 * 2  # slow; then due; 3 both
    assert len(mailoutbox) == 4  # each manager, each day
    assert mailoutbox[-1].subject == "CME: 4 joint enquiries need the council"


def test_the_daily_task_skips_weekends_and_bank_holidays_and_chases_are_kept(enquiry, manager):
    assert settings.CELERY_BEAT_SCHEDULE["joint-enquiry-chase"]["task"] == (
        "schools.tasks.chase_joint_enquiries"
    )
    with on(D(2026, 11, 30)):
        assert tasks.chase_joint_enquiries.apply(args=["2026-11-28"]).get() == 0  # Saturday
        assert tasks.chase_joint_enquiries.apply(args=["2026-12-25"]).get() == 0  # Christmas
        assert not JointEnquiryChase.objects.exists()
        assert tasks.chase_joint_enquiries.apply(args=["2026-11-30"]).get() == 2
    chase = JointEnquiryChase.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        JointEnquiryChase.objects.filter(pk=chase.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        JointEnquiryChase.objects.create(enquiry=enquiry, kind=chase.kind, chased_on=D(2026, 12, 1))
