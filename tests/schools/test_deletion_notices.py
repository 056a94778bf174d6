"""Schools tell the council of each deletion from their registers (regulation 13(4)) with the
regulation 9(1) ground and what that ground needs; officers triage each into a case opened
from it, onto an open case, or as no concern; the school sees the outcome, never the case."""

import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import AccessLogEntry, Episode, Event
from cme_tracker.core import roles
from cme_tracker.core.models import OutboxMessage
from referrals.models import Referral
from schools import services
from schools.models import DeletionGround, DeletionNotice, JointEnquiry, SchoolMembership
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

# Today is Monday 23 November 2026 (the schools tests' clock); deletions are on Friday 20th.


def date_parts(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def notice_data(ground="k", **changes):
    data = {
        "forename": "Amelia", "surname": "Nowak", "gender": "FEMALE", "upn": "",
        **date_parts("date_of_birth", datetime.date(2014, 5, 9)),
        "address_line_1": "12 Canal Street", "town": "Dunmore", "postcode": "db1 4ab",
        "parent_name": "Ewa Nowak", "parent_phone": "07700 900123",
        **date_parts("deleted_on", datetime.date(2026, 11, 20)),
        "ground": DeletionGround.objects.get(code=ground).pk,
    }  # fmt: skip
    data.update(changes)
    return data


def send(client, school_user, riverside, ground="k", **changes):
    client.force_login(school_user)
    return client.post(reverse("schools:deletion_new"),
                       {"school": riverside.pk, **notice_data(ground, **changes)})  # fmt: skip


def errors(response) -> str:
    return response.content.decode()


# What each kind of ground needs, on top of the 13(4) details, to be accepted.
ENOUGH = {
    "NEW_SCHOOL": {"destination_elsewhere": "Hillside Academy, Leeds"},
    "MOVED": {},
    "LEAVE": {**date_parts("leave_ended_on", datetime.date(2026, 11, 2)),
              "conditions_met": "on", "joint_enquiries": "Home visit 10 November, no answer."},
    "ABSENCE": {**date_parts("absence_started_on", datetime.date(2026, 10, 12)),
                "conditions_met": "on", "joint_enquiries": "Council tax and S2S checked."},
    "": {},
}  # fmt: skip


@pytest.mark.parametrize("letter", list("abcdefghijklmno"))
def test_every_ground_is_accepted_with_what_it_needs_and_nothing_half_saves(
    client, school_user, riverside, letter
):
    ground = DeletionGround.objects.get(code=letter)
    response = send(client, school_user, riverside, letter, **ENOUGH[ground.needs])
    assert response.status_code == 200, errors(response)
    notice = DeletionNotice.objects.get()
    assert (notice.ground, notice.status) == (ground, DeletionNotice.Status.RECEIVED)
    assert notice.address == "12 Canal Street, Dunmore, DB1 4AB"
    assert f"DN{notice.pk:06d}" in response.content.decode()


def test_a_move_to_another_school_needs_the_school(client, school_user, riverside):
    response = send(client, school_user, riverside, "a")
    assert response.status_code == 400
    assert "Ground (a) needs the school the pupil is now registered at (one of" in errors(response)
    assert not DeletionNotice.objects.exists()
    destination = SchoolFactory(name="Moorside Primary", urn=990301)
    send(client, school_user, riverside, "a", destination_school=str(destination.urn))
    assert DeletionNotice.objects.get().destination_school == destination


def test_not_back_after_leave_needs_the_leave_the_ten_days_and_the_joint_enquiries(
    client, school_user, riverside
):
    page = errors(send(client, school_user, riverside, "h"))
    assert "Enter the last day of the leave of absence" in page
    assert "Confirm the conditions of ground (h) are met" in page
    assert "Ground (h) needs the enquiries the school and the council made together" in page
    too_soon = {**ENOUGH["LEAVE"], **date_parts("leave_ended_on", datetime.date(2026, 11, 10))}
    page = errors(send(client, school_user, riverside, "h", **too_soon))
    assert ("at least 10 school days after the leave ended, so not before 25 November 2026: "
            "there are only 7 working days from 10 November 2026 to the day before 20 November "
            "2026") in page  # fmt: skip
    assert not DeletionNotice.objects.exists()
    send(client, school_user, riverside, "h", **ENOUGH["LEAVE"])
    notice = DeletionNotice.objects.get()
    assert notice.leave_ended_on == datetime.date(2026, 11, 2) and notice.joint_enquiries


def test_a_deletion_the_day_after_the_tenth_day_is_allowed_whatever_the_weekday(
    client, school_user, riverside
):
    # Leave ended Friday 6 November: the 10th working day after it is Friday 20th, so a
    # deletion may come on Saturday 21st, the earliest date a joint enquiry shows too.
    leave = {**ENOUGH["LEAVE"], **date_parts("leave_ended_on", datetime.date(2026, 11, 6))}
    page = errors(send(client, school_user, riverside, "h", **leave))
    assert "so not before 21 November 2026: there are only 9 working days" in page
    saturday = date_parts("deleted_on", datetime.date(2026, 11, 21))
    assert send(client, school_user, riverside, "h", **leave, **saturday).status_code == 200
    client.post(reverse("schools:enquiry_new"), {
        "school": riverside.pk, "forename": "Ben", "surname": "Okafor", "upn": "",
        **date_parts("date_of_birth", datetime.date(2013, 2, 1)), "address": "3 Mill Lane",
        "parent_name": "Ada Okafor", "parent_phone": "07700 900456",
        "ground": DeletionGround.objects.get(code="h").pk,
        **date_parts("clock_started_on", datetime.date(2026, 11, 6)),
    })  # fmt: skip
    enquiry = JointEnquiry.objects.get()
    page = client.get(reverse("schools:enquiry", args=[enquiry.pk])).content.decode()
    assert "21 November 2026" in page


def test_twenty_days_absence_counts_from_its_first_day(client, school_user, riverside):
    # 23 October to 19 November is 20 working days; from 26 October, 19.
    nineteen = {**ENOUGH["ABSENCE"], **date_parts("absence_started_on",
                                                  datetime.date(2026, 10, 26))}  # fmt: skip
    page = errors(send(client, school_user, riverside, "i", **nineteen))
    assert "there are only 19 working days from 26 October 2026" in page
    twenty = {**ENOUGH["ABSENCE"], **date_parts("absence_started_on",
                                                datetime.date(2026, 10, 23))}  # fmt: skip
    assert send(client, school_user, riverside, "i", **twenty).status_code == 200
    after = {**ENOUGH["ABSENCE"], **date_parts("absence_started_on", datetime.date(2026, 11, 20))}
    DeletionNotice.objects.all().delete()
    page = errors(send(client, school_user, riverside, "i", **after))
    assert "The first day of continuous absence must be before the date of deletion" in page


def test_answers_a_ground_does_not_ask_for_are_not_kept(client, school_user, riverside):
    send(client, school_user, riverside, "k", **ENOUGH["LEAVE"])
    notice = DeletionNotice.objects.get()
    assert notice.leave_ended_on is None and notice.joint_enquiries == ""


def test_the_regulation_13_4_details_are_required_in_plain_words(client, school_user, riverside):
    page = errors(send(client, school_user, riverside, "k", address_line_1="", parent_name="",
                       parent_phone="", gender="", second_parent_name="Piotr Nowak"))  # fmt: skip
    for message in ("Enter the first line of the pupil&#x27;s address",
                    "Enter the full name of a parent the pupil lives with",
                    "Enter a phone number the parent can be reached on in an emergency",
                    "Choose the pupil&#x27;s sex, or Not known",
                    "Enter an emergency phone number for the other parent"):  # fmt: skip
        assert message in page
    assert "govuk-error-summary" in page and not DeletionNotice.objects.exists()


def test_the_database_refuses_a_deletion_before_the_leave_ended(school_user, riverside):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        services_send(school_user, riverside, leave_ended_on=datetime.date(2026, 11, 21))


def services_send(school_user, riverside, **changes):
    from schools.deletion_services import deletion_notice_send

    details = {
        "forename": "Amelia", "surname": "Nowak", "gender": "FEMALE",
        "date_of_birth": datetime.date(2014, 5, 9), "address_line_1": "12 Canal Street",
        "postcode": "DB1 4AB", "parent_name": "Ewa Nowak", "parent_phone": "07700 900123",
        "deleted_on": datetime.date(2026, 11, 20), "ground": DeletionGround.objects.get(code="i"),
        "absence_started_on": datetime.date(2026, 10, 12), "joint_enquiries": "Visited.",
    }  # fmt: skip
    details.update(changes)
    return deletion_notice_send(by=school_user, school=riverside, **details)


@pytest.fixture
def notice(school_user, riverside):
    """A notice sent now (the database stamps it by its own clock: moved to the tests')."""
    from django.utils import timezone

    notice = services_send(school_user, riverside)
    DeletionNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    notice.refresh_from_db()
    return notice


def test_a_school_user_sees_only_their_own_schools_deletion_notices(client, notice):
    other = SchoolFactory(name="Hillside School", urn=990202)
    colleague = UserFactory(username="hillside.office")
    colleague.groups.add(Group.objects.get(name=roles.SCHOOL_USER))
    SchoolMembership.objects.create(user=colleague, school=other)
    client.force_login(colleague)
    assert "Nowak" not in client.get(reverse("schools:home")).content.decode()
    assert client.get(reverse("schools:deletion", args=[notice.pk])).status_code == 404
    for name in ("schools:deletions_queue", "schools:queue"):
        assert client.get(reverse(name)).status_code == 403
    for name in ("schools:deletion_triage", "schools:deletion_attach",
                 "schools:deletion_no_concern"):  # fmt: skip
        assert client.post(reverse(name, args=[notice.pk])).status_code == 403
    assert client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}").status_code == 403


def test_an_officer_opens_a_case_from_a_notice_in_two_clicks(client, officer, notice):
    client.force_login(officer)
    queue = client.get(reverse("schools:deletions_queue")).content.decode()
    assert notice.reference in queue and "Joint enquiries" in queue
    triage = client.get(reverse("schools:deletion_triage", args=[notice.pk])).content.decode()
    assert "No known child has this pupil" in triage
    form = client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    page = form.content.decode()
    assert 'value="Amelia"' in page and 'value="12 Canal Street"' in page
    assert "Deletion notice DN" in page and "Enquiries made with the council: Visited." in page
    fields = submitted_fields(form)
    response = client.post(reverse("referrals:new"), fields)
    assert response.status_code == 302, re.findall(
        r'govuk-error-message">(.*?)</p', response.content.decode(), re.S
    )
    episode = Episode.objects.get()
    assert episode.referral_source.label == "School: deletion notice"
    assert episode.last_school == notice.school and episode.child.forename == "Amelia"
    assert episode.missing_reason.code == "UNKNOWN"  # ground (i)'s
    assert episode.child.family.carers.get().name == "Ewa Nowak"
    notice.refresh_from_db()
    assert (notice.status, notice.episode, notice.decided_by) == (
        DeletionNotice.Status.CASE_OPENED,
        episode,
        officer,
    )
    assert OutboxMessage.objects.filter(task="schools.tasks.tell_school",
                                        args=[notice.pk, "deletion"]).exists()  # fmt: skip
    again = client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    assert again.status_code == 400 and "has been dealt with already" in again.content.decode()


def test_a_referral_from_a_notice_joining_the_pupils_open_case_attaches_the_notice_to_it(
    client, officer, notice
):
    """A sibling on the same referral opens a new case; the notice goes on its pupil's."""
    from tests.referrals.test_referral_form import second_child

    pupil = ChildFactory(forename="Amelia", surname="Nowak",
                         date_of_birth=datetime.date(2014, 5, 9))  # fmt: skip
    case = EpisodeFactory(child=pupil, allocated_officer=officer,
                          referral_date=datetime.date(2026, 10, 1))  # fmt: skip
    client.force_login(officer)
    fields = submitted_fields(
        client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    )
    fields |= second_child("Zofia", "Nowak", datetime.date(2016, 3, 1))
    check = client.post(reverse("referrals:new"), fields)
    assert check.status_code == 302
    saved = client.post(check.url, {"child-1": pupil.pk, "child-2": "new"})
    assert saved.status_code == 302 and saved.url == case.get_absolute_url()
    notice.refresh_from_db()
    assert (notice.status, notice.episode) == (DeletionNotice.Status.ATTACHED, case)
    assert Event.objects.get(verb="deletion_notice.attached").episode == case
    assert Episode.objects.filter(child__forename="Zofia").exists()


def test_a_referral_whose_notice_was_dealt_with_meanwhile_comes_back_to_save_on_its_own(
    client, officer, manager, notice
):
    """Nothing the officer typed is lost; the form no longer claims the notice."""
    from schools.deletion_services import deletion_no_concern

    client.force_login(officer)
    fields = submitted_fields(
        client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    )
    fields["referral-reason"] += " Neighbour says the family left in October."
    deletion_no_concern(notice=notice, reason="Destination school confirmed", by=manager)
    back = client.post(reverse("referrals:new"), fields)
    page = back.content.decode()
    assert back.status_code == 200 and "has been dealt with since you started" in page
    assert "Neighbour says the family left in October." in page and 'value="Amelia"' in page
    assert not Episode.objects.exists()
    again = submitted_fields(back)
    assert again["referral-deletion_notice"] == ""
    saved = client.post(reverse("referrals:new"), again)
    assert saved.status_code == 302
    assert "Neighbour says the family left in October." in Referral.objects.get().reason
    notice.refresh_from_db()
    assert (notice.status, notice.episode) == (DeletionNotice.Status.NO_CONCERN, None)


def test_a_notice_dealt_with_while_the_duplicate_check_was_open_sends_the_form_back(
    client, officer, manager, notice
):
    from schools.deletion_services import deletion_no_concern

    ChildFactory(forename="Amelia", surname="Nowak", date_of_birth=datetime.date(2014, 5, 9))
    client.force_login(officer)
    fields = submitted_fields(
        client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    )
    check = client.post(reverse("referrals:new"), fields)
    assert check.status_code == 302 and "/check/" in check.url
    deletion_no_concern(notice=notice, reason="Destination school confirmed", by=manager)
    back = client.post(check.url, {"child-1": "new"})
    assert "has been dealt with since you started" in back.content.decode()
    assert submitted_fields(back)["referral-deletion_notice"] == ""
    assert not Episode.objects.exists()


def test_a_notice_not_the_officers_to_deal_with_is_left_alone_when_the_referral_saves(
    client, officer, manager, notice
):
    """A form made up to name a notice about a sensitive child's case (whose officer or a
    manager deals with it) saves nothing until sent again without it."""
    pupil = ChildFactory(forename="Amelia", surname="Nowak",
                         date_of_birth=datetime.date(2014, 5, 9))  # fmt: skip
    EpisodeFactory(child=pupil, is_sensitive=True, allocated_officer=manager)
    client.force_login(manager)
    fields = submitted_fields(
        client.get(reverse("referrals:new") + f"?deletion_notice={notice.pk}")
    )
    fields |= {"referral-reason": "A different child at the same school.",
               "child-0-forename": "Oskar", "child-0-surname": "Lis"}  # fmt: skip
    client.force_login(officer)
    back = client.post(reverse("referrals:new"), fields)
    page = back.content.decode()
    assert back.status_code == 200 and "the case&#x27;s officer or a manager does" in page
    assert "no longer linked to it" in page and 'value="Oskar"' in page
    assert Episode.objects.count() == 1
    assert DeletionNotice.objects.get().status == DeletionNotice.Status.RECEIVED


class _FormFields(HTMLParser):
    """The fields of a page's POST forms, each with the value the page gives it."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._select, self._textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("method") or "").lower() == "post"
        if not self._in_form:
            return
        name, kind = attrs.get("name"), attrs.get("type")
        if tag == "input" and name and kind != "submit" and name != "add_child":
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
            else:
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self.fields[name] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def submitted_fields(response) -> dict:
    """What the browser would send: each form field's value as the page shows it."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {name: value.lstrip("\n") for name, value in parser.fields.items()}


def test_a_notice_about_a_child_with_an_open_case_is_added_to_it(client, officer, notice):
    child = ChildFactory(forename="Amelia", surname="Nowak",
                         date_of_birth=datetime.date(2014, 5, 9))  # fmt: skip
    episode = EpisodeFactory(child=child, allocated_officer=officer)
    client.force_login(officer)
    triage = client.get(reverse("schools:deletion_triage", args=[notice.pk])).content.decode()
    assert f"Add the notice to {episode.reference}" in triage
    response = client.post(reverse("schools:deletion_attach", args=[notice.pk]),
                           {"episode": episode.pk})  # fmt: skip
    assert response.url == reverse("cases:detail", args=[episode.pk])
    notice.refresh_from_db()
    assert (notice.status, notice.episode) == (DeletionNotice.Status.ATTACHED, episode)
    event = Event.objects.get(verb="deletion_notice.attached")
    assert event.episode == episode and event.payload["notice"] == notice.reference
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "School&#x27;s deletion notice added" in history
    assert f"Notice {notice.reference} from Riverside Academy: deleted from its register" in history
    again = client.post(reverse("schools:deletion_attach", args=[notice.pk]),
                        {"episode": episode.pk}, follow=True)  # fmt: skip
    assert "has already been dealt with" in again.content.decode()


def test_a_case_the_check_did_not_find_cannot_take_the_notice(client, officer, notice):
    stranger = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = client.post(reverse("schools:deletion_attach", args=[notice.pk]),
                           {"episode": stranger.pk}, follow=True)  # fmt: skip
    assert "not one the duplicate check finds" in response.content.decode()
    assert DeletionNotice.objects.get().status == DeletionNotice.Status.RECEIVED


def test_no_concern_needs_a_reason_and_the_school_sees_only_the_outcome(
    client, officer, school_user, notice
):
    client.force_login(officer)
    url = reverse("schools:deletion_no_concern", args=[notice.pk])
    response = client.post(url, {"no_concern-reason": " "})
    assert response.status_code == 400
    assert "Say why there is no children missing education concern" in response.content.decode()
    client.post(url, {"no_concern-reason": "Moorside Primary confirmed she is on roll."})
    notice.refresh_from_db()
    assert notice.status == DeletionNotice.Status.NO_CONCERN and notice.decided_by == officer
    client.force_login(school_user)
    page = client.get(reverse("schools:deletion", args=[notice.pk])).content.decode()
    assert "Checked: no children missing education concern" in page
    assert "Moorside" not in page


def test_the_school_is_told_of_the_outcome_with_a_link_and_no_details(notice, officer, mailoutbox):
    from schools.deletion_services import deletion_no_concern

    deletion_no_concern(notice=notice, reason="On roll elsewhere.", by=officer)
    assert services.school_told(notice.pk, "deletion")
    [message] = mailoutbox
    assert notice.reference in message.subject
    assert reverse("schools:deletion", args=[notice.pk]) in message.body
    assert "Amelia" not in message.body and "Nowak" not in message.body


def test_a_sensitive_childs_notice_shows_no_address_to_those_without_need_to_know(
    client, officer, manager, notice
):
    child = ChildFactory(forename="Amelia", surname="Nowak",
                         date_of_birth=datetime.date(2014, 5, 9))  # fmt: skip
    episode = EpisodeFactory(child=child, is_sensitive=True, allocated_officer=manager)
    client.force_login(officer)
    page = client.get(reverse("schools:deletion_triage", args=[notice.pk])).content.decode()
    assert "12 Canal Street" not in page and "Ewa Nowak" not in page
    assert "Riverside Academy" not in page  # the child's school, beside their name
    assert "Hidden: this may be a child whose case is sensitive" in page
    assert "Open a case from this notice" not in page
    seen = AccessLogEntry.objects.get()  # that the child may be on the page is a look
    assert (seen.user, seen.episode_id, seen.details_shown) == (officer, episode.pk, False)
    response = client.post(reverse("schools:deletion_attach", args=[notice.pk]),
                           {"episode": episode.pk})  # fmt: skip
    assert response.status_code == 403
    assert DeletionNotice.objects.get().status == DeletionNotice.Status.RECEIVED
    prefilled = reverse("referrals:new") + f"?deletion_notice={notice.pk}"
    assert client.get(prefilled).status_code == 403  # the address is not in a form either
    no_concern = reverse("schools:deletion_no_concern", args=[notice.pk])
    assert client.post(no_concern, {"no_concern-reason": "Not ours"}).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("schools:deletion_triage", args=[notice.pk])).content.decode()
    assert "12 Canal Street" in page and f"Add the notice to {episode.reference}" in page
    seen = AccessLogEntry.objects.filter(user=manager).get()
    assert (seen.episode_id, seen.details_shown) == (episode.pk, True)
    assert "12 Canal Street" in client.get(prefilled).content.decode()


def test_notices_left_waiting_are_flagged_to_managers(client, manager, notice):
    client.force_login(manager)
    page = client.get(reverse("reports:caseload")).content.decode()
    assert notice.reference in page and "waiting too long" not in page
    with time_machine.travel(notice.sent_at + datetime.timedelta(days=7), tick=False):
        client.force_login(manager)
        page = client.get(reverse("reports:caseload")).content.decode()
        assert "waiting too long" in page


def test_nonsense_in_the_address_or_the_form_is_a_clear_refusal(client, officer, notice):
    client.force_login(officer)
    attach = client.post(reverse("schools:deletion_attach", args=[notice.pk]), {"episode": "abc"})
    assert attach.status_code == 404
    prefilled = client.get(reverse("referrals:new") + "?deletion_notice=\u00b2")
    assert prefilled.status_code == 400
