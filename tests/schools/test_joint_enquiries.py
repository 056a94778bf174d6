"""Before a deletion on (h) or (i) the school and the council enquire together: each records
its enquiries in one place, the school sees only its own side and the council's conclusion,
and a manager's conclusion that the child cannot be found is the authorisation on the case
and the school's removal-from-roll letter. The statutory timescales are shown and chased."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction
from django.urls import reverse

from cases.models import AccessLogEntry, Episode, Event
from cme_tracker.core import roles
from cme_tracker.core.models import OutboxMessage
from schools.models import JointEnquiry, JointEnquiryStep, SchoolMembership
from tests.cases.factories import SchoolFactory
from tests.core.factories import UserFactory
from tests.schools.conftest import date_parts, start

pytestmark = pytest.mark.django_db

# The schools tests' clock: Monday 23 November 2026.


def step(client, user, name, enquiry, made, found="", day=datetime.date(2026, 11, 16)):
    client.force_login(user)
    return client.post(reverse(name, args=[enquiry.pk]),
                       {**date_parts("step-made_on", day), "step-made": made,
                        "step-found": found})  # fmt: skip


def test_only_grounds_needing_joint_enquiries_can_start_one(client, school_user, riverside):
    response = start(client, school_user, riverside, ground="k")
    assert response.status_code == 400 and not JointEnquiry.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_each_side_records_its_enquiries_and_the_school_sees_only_its_own(
    client, school_user, officer, enquiry
):
    assert step(client, school_user, "schools:enquiry_step", enquiry, "Phoned the mother",
                "No answer, voicemail full").status_code == 302  # fmt: skip
    council = step(client, officer, "schools:enquiry_council_step", enquiry,
                   "Council tax records checked", "Account closed 30 October")  # fmt: skip
    assert council.status_code == 302
    client.force_login(school_user)
    school_page = client.get(reverse("schools:enquiry", args=[enquiry.pk])).content.decode()
    assert "Phoned the mother" in school_page
    assert "Council tax" not in school_page and "Account closed" not in school_page
    client.force_login(officer)
    council_page = client.get(reverse("schools:enquiry_work", args=[enquiry.pk])).content.decode()
    assert "Phoned the mother" in council_page and "Account closed 30 October" in council_page
    early = step(client, officer, "schools:enquiry_council_step", enquiry, "Visit",
                 day=datetime.date(2026, 10, 1))  # fmt: skip
    assert early.status_code == 400
    assert "cannot be dated before the absence or leave" in early.content.decode()


def test_a_school_cannot_write_the_councils_side_nor_see_another_schools_enquiry(
    client, school_user, enquiry
):
    assert step(client, school_user, "schools:enquiry_council_step", enquiry,
                "Pretend").status_code == 403  # fmt: skip
    other = UserFactory(username="hillside.office")
    other.groups.add(Group.objects.get(name=roles.SCHOOL_USER))
    SchoolMembership.objects.create(user=other, school=SchoolFactory(urn=990202))
    client.force_login(other)
    for name in ("schools:enquiry", "schools:enquiry_letter"):
        assert client.get(reverse(name, args=[enquiry.pk])).status_code == 404
    assert step(client, other, "schools:enquiry_step", enquiry, "Pretend").status_code == 404
    assert not JointEnquiryStep.objects.exists()


def test_enquiries_are_kept_as_recorded(client, school_user, enquiry):
    step(client, school_user, "schools:enquiry_step", enquiry, "Phoned the mother")
    with pytest.raises(DatabaseError), transaction.atomic():
        JointEnquiryStep.objects.update(made="Nothing")


def test_a_manager_concluding_not_found_authorises_the_deletion_and_the_school_gets_the_letter(
    client, school_user, officer, manager, enquiry, case, riverside
):
    client.force_login(officer)
    work = reverse("schools:enquiry_work", args=[enquiry.pk])
    assert f"Add the enquiry to {case.reference}" in client.get(work).content.decode()
    client.post(reverse("schools:enquiry_link", args=[enquiry.pk]), {"episode": case.pk})
    assert JointEnquiry.objects.get().episode == case
    again = client.post(reverse("schools:enquiry_link", args=[enquiry.pk]), {"episode": case.pk},
                        follow=True)  # fmt: skip
    assert f"is already on case {case.reference}" in again.content.decode()
    assert Event.objects.filter(verb="joint_enquiry.linked", episode=case).count() == 1
    assert Event.objects.filter(verb="joint_enquiry.linked", episode=case).exists()
    conclude = reverse("schools:enquiry_conclude", args=[enquiry.pk])
    no_steps = client.post(conclude, {"conclusion-outcome": "NOT_FOUND"})
    assert "Only a manager can authorise a removal from roll" in no_steps.content.decode()
    client.force_login(manager)
    no_steps = client.post(conclude, {"conclusion-outcome": "NOT_FOUND"})
    assert "Record the council&#x27;s own enquiries first" in no_steps.content.decode()
    step(client, manager, "schools:enquiry_council_step", enquiry, "Home visit: house empty")
    client.force_login(manager)
    assert client.post(conclude, {"conclusion-outcome": "NOT_FOUND"}).status_code == 302
    episode = Episode.objects.get(pk=case.pk)
    assert episode.removal_from_roll_authorised_on == datetime.date(2026, 11, 23)
    assert episode.removal_from_roll_school == riverside
    assert episode.removal_from_roll_authorised_by == manager
    assert OutboxMessage.objects.filter(task="schools.tasks.tell_school",
                                        args=[enquiry.pk, "joint_enquiry"]).exists()  # fmt: skip
    client.force_login(school_user)
    page = client.get(reverse("schools:enquiry", args=[enquiry.pk])).content.decode()
    assert "Child not found: the council authorises the deletion" in page
    assert case.reference not in page
    letter = client.get(reverse("schools:enquiry_letter", args=[enquiry.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    assert "no-store" in letter["Cache-Control"]
    assert not AccessLogEntry.objects.exists()  # the case is not sensitive


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_schools_letter_names_the_pupil_as_the_school_sent_them_and_a_sensitive_case_is_logged(
    client, school_user, officer, manager, enquiry, case, riverside
):
    """The council's record may know the child by another name, a UPN and a case number the
    school has never been told; the school's letter shows only what the school sent."""
    from cases import services as case_services

    case_services.sensitivity_mark(episode=case, by=manager, reason="Refuge")
    client.force_login(officer)  # the case's officer: the duplicate check offers it to them
    client.get(reverse("schools:enquiry_work", args=[enquiry.pk]))
    seen = AccessLogEntry.objects.get()
    assert (seen.user, seen.episode_id, seen.details_shown) == (officer, case.pk, True)
    client.post(reverse("schools:enquiry_link", args=[enquiry.pk]), {"episode": case.pk})
    assert JointEnquiry.objects.get().episode == case
    step(client, manager, "schools:enquiry_council_step", enquiry, "Home visit: house empty")
    client.force_login(manager)
    conclude = reverse("schools:enquiry_conclude", args=[enquiry.pk])
    assert client.post(conclude, {"conclusion-outcome": "NOT_FOUND"}).status_code == 302
    child = case.child  # the council's record, corrected since
    child.surname, child.upn = "Nowak-Kowalska", "A123456789012"
    child.save()
    before = set(AccessLogEntry.objects.values_list("pk", flat=True))  # kept: append-only
    client.force_login(school_user)
    text = _text(client.get(reverse("schools:enquiry_letter", args=[enquiry.pk])).content)
    assert "Amelia Nowak" in text and enquiry.reference in text and riverside.name in text
    assert "Kowalska" not in text and "A123456789012" not in text
    assert case.reference not in text and str(manager) in text
    entry = AccessLogEntry.objects.exclude(pk__in=before).get()
    assert (entry.user, entry.episode_id, entry.details_shown) == (school_user, case.pk, False)


def test_a_found_conclusion_says_what_and_the_school_reads_it(
    client, school_user, officer, enquiry
):
    client.force_login(officer)
    conclude = reverse("schools:enquiry_conclude", args=[enquiry.pk])
    response = client.post(conclude, {"conclusion-outcome": "FOUND"})
    assert response.status_code == 400
    assert "Say what the council concluded, for the school" in response.content.decode()
    said = "Found: keep her on roll for now."
    client.post(conclude, {"conclusion-outcome": "FOUND", "conclusion-conclusion": said})
    client.force_login(school_user)
    page = client.get(reverse("schools:enquiry", args=[enquiry.pk])).content.decode()
    assert "Found: keep her on roll for now." in page
    assert client.get(reverse("schools:enquiry_letter", args=[enquiry.pk])).status_code == 404


def test_the_timescales_are_shown_and_chased(client, officer, manager, enquiry):
    # (i) from Monday 2 November: the 20th school day is Friday 27 November, so deletion from
    # the day after, the 28th.
    client.force_login(officer)
    queue = client.get(reverse("schools:enquiries_queue")).content.decode()
    assert enquiry.reference in queue and "28 November 2026" in queue
    assert "Due" not in queue and "None yet: chase" not in queue
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(officer)
        queue = client.get(reverse("schools:enquiries_queue")).content.decode()
        assert "Due" in queue and "None yet: chase" in queue
        client.force_login(manager)
        aging = client.get(reverse("reports:caseload")).content.decode()
        assert enquiry.reference in aging and "None yet: chase" in aging


def test_the_school_ends_an_enquiry_when_the_pupil_is_back(client, school_user, enquiry):
    client.force_login(school_user)
    client.post(reverse("schools:enquiry_end", args=[enquiry.pk]))
    assert JointEnquiry.objects.get().status == JointEnquiry.Status.WITHDRAWN
    again = step(client, school_user, "schools:enquiry_step", enquiry, "Late")
    assert again.status_code == 400 and "has ended" in again.content.decode()


def test_the_school_is_emailed_a_link_when_the_council_concludes(
    client, officer, school_user, enquiry, mailoutbox
):
    from schools import services

    client.force_login(officer)
    said = {"conclusion-outcome": "FOUND", "conclusion-conclusion": "On roll elsewhere."}
    client.post(reverse("schools:enquiry_conclude", args=[enquiry.pk]), said)
    assert services.school_told(enquiry.pk, "joint_enquiry")
    [message] = mailoutbox
    assert message.to == [school_user.email]
    assert reverse("schools:enquiry", args=[enquiry.pk]) in message.body
    assert "Amelia" not in message.body and "Nowak" not in message.body


def test_a_conclusion_never_overwrites_another_schools_authorisation(
    client, manager, enquiry, case
):
    other = SchoolFactory(name="Moorside Primary", urn=990302)
    Episode.objects.filter(pk=case.pk).update(
        removal_from_roll_school=other, removal_from_roll_authorised_on=datetime.date(2026, 11, 2),
        removal_from_roll_authorised_by=manager,
    )  # fmt: skip
    client.force_login(manager)
    client.post(reverse("schools:enquiry_link", args=[enquiry.pk]), {"episode": case.pk})
    step(client, manager, "schools:enquiry_council_step", enquiry, "Home visit: house empty")
    client.force_login(manager)
    page = client.post(reverse("schools:enquiry_conclude", args=[enquiry.pk]),
                       {"conclusion-outcome": "NOT_FOUND"}).content.decode()  # fmt: skip
    assert "already records an authorisation for another school" in page
    assert Episode.objects.get(pk=case.pk).removal_from_roll_school == other
    assert JointEnquiry.objects.get().status == JointEnquiry.Status.OPEN
