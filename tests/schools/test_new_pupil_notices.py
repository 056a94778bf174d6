"""Schools tell the council of new pupils through the portal; each notice is matched against
the open cases (UPN, else date of birth and a similar name), a match is a suggested closure
the case's officer confirms or rejects, and nothing closes by itself. A school user sees
only their own schools' notices, and no case, child or figure."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import ClosureOutcome, Episode
from cme_tracker.core import roles
from schools import services
from schools.models import NewPupilNotice, SchoolMembership
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory
from tests.core.factories import UserFactory
from tests.core.test_second_factor import every_address
from tests.schools.conftest import upn

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def notice_data(**changes):
    data = {
        "forename": "Mohammed", "surname": "Khan",
        "date_of_birth_0": "3", "date_of_birth_1": "3", "date_of_birth_2": "2015",
        "upn": "", "admitted_on_0": "16", "admitted_on_1": "11", "admitted_on_2": "2026",
    }  # fmt: skip
    data.update(changes)
    return data


def send(client, school_user, riverside, **changes):
    client.force_login(school_user)
    return client.post(reverse("schools:new_pupil"), {"school": riverside.pk,
                                                      **notice_data(**changes)})  # fmt: skip


def test_a_new_pupil_matching_an_open_case_by_name_and_birth_is_suggested(
    client, school_user, riverside, missing
):
    response = send(client, school_user, riverside)  # Mohammed, as the school spells it
    assert response.status_code == 200 and "Notice sent" in response.content.decode()
    notice = NewPupilNotice.objects.get()
    assert notice.status == NewPupilNotice.Status.SUGGESTED and notice.episode == missing
    assert notice.match_reason == "Same date of birth and a similar name"
    assert Episode.objects.get(pk=missing.pk).is_open  # nothing closes by itself


def test_a_new_pupil_matching_by_upn_is_suggested_whatever_the_name(
    client, school_user, riverside, missing
):
    send(client, school_user, riverside, forename="Adam", surname="Smith", upn=upn(7),
         date_of_birth_2="2014")  # fmt: skip
    notice = NewPupilNotice.objects.get()
    assert notice.episode == missing and notice.match_reason == "Same UPN"


def test_the_officer_confirms_and_the_case_closes_found_in_school(
    client, school_user, riverside, missing, officer
):
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[missing.pk])).content.decode()
    assert "A school may have found this child" in page and "Riverside Academy" in page
    client.post(reverse("schools:confirm", args=[notice.pk]))
    episode = Episode.objects.get(pk=missing.pk)
    assert not episode.is_open
    assert episode.closure_outcome == ClosureOutcome.objects.get(code="FOUND_SCHOOL_THIS_LA")
    assert episode.destination_school == riverside
    assert episode.closed_on == datetime.date(2026, 11, 16)
    assert episode.closure_details["start_date"] == "2026-11-16"
    notice.refresh_from_db()
    assert notice.status == NewPupilNotice.Status.CONFIRMED and notice.decided_by == officer
    client.force_login(school_user)  # the school sees the outcome, never the case
    home = client.get(reverse("schools:home")).content.decode()
    assert "The council was looking for this child: thank you" in home
    assert missing.reference not in home


def test_the_officer_rejects_and_the_case_stays_open_and_is_not_suggested_again(
    client, school_user, riverside, missing, officer
):
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    client.force_login(officer)
    client.post(reverse("schools:reject", args=[notice.pk]))
    assert Episode.objects.get(pk=missing.pk).is_open
    notice.refresh_from_db()
    assert notice.status == NewPupilNotice.Status.REJECTED
    send(client, school_user, riverside)  # the same pupil again
    assert NewPupilNotice.objects.latest("pk").status == NewPupilNotice.Status.UNMATCHED
    client.force_login(officer)
    assert "A school may have found" not in client.get(
        reverse("cases:detail", args=[missing.pk])).content.decode()  # fmt: skip


def test_only_someone_who_may_close_the_case_decides(
    client, school_user, riverside, missing, head_of_service
):
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    for person in (school_user, head_of_service):
        client.force_login(person)
        response = client.post(reverse("schools:confirm", args=[notice.pk]))
        assert response.status_code in (302, 403)
    assert Episode.objects.get(pk=missing.pk).is_open
    assert NewPupilNotice.objects.get().status == NewPupilNotice.Status.SUGGESTED


def test_an_unmatched_notice_is_tried_again_then_kept_thirty_days(
    client, school_user, riverside, officer
):
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    assert notice.status == NewPupilNotice.Status.UNMATCHED
    child = ChildFactory(
        forename="Muhammed", surname="Khan", date_of_birth=datetime.date(2015, 3, 3)
    )
    opened = EpisodeFactory(child=child)
    assert services.waiting_notices_match() == {"matched": 1, "expired": 0}
    notice.refresh_from_db()
    assert notice.episode == opened
    send(client, school_user, riverside, forename="Zara", surname="Ali")
    sent = NewPupilNotice.objects.latest("pk").sent_at  # the database's clock
    with time_machine.travel(sent + datetime.timedelta(days=30, minutes=1)):
        assert services.waiting_notices_match() == {"matched": 0, "expired": 1}


@pytest.mark.parametrize("changes, message", [
    ({"forename": ""}, "Enter the pupil&#x27;s first name"),
    ({"surname": "\u200b"}, "Last name must contain at least one letter"),
    ({"admitted_on_2": "2014"}, "The date of admission must be after the date of birth"),
    ({"admitted_on_2": "2027"}, "must be today or in the past"),
    ({"upn": "A999200025001"}, "The UPN"),
])  # fmt: skip
def test_the_form_says_what_is_wrong_and_saves_nothing(
    client, school_user, riverside, changes, message
):
    response = send(client, school_user, riverside, **changes)
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    assert message in html, html[html.find("govuk-error-summary") :][:800]
    assert not NewPupilNotice.objects.exists()


def test_a_school_user_cannot_send_for_another_school(client, school_user):
    other = SchoolFactory(name="Hillside School", urn=990202)
    response = send(client, school_user, other)
    assert response.status_code == 400
    assert not NewPupilNotice.objects.exists()


def test_a_school_user_sees_only_their_own_schools_notices(client, school_user, riverside):
    other = SchoolFactory(name="Hillside School", urn=990202)
    colleague = UserFactory(username="hillside.office")
    colleague.groups.add(Group.objects.get(name=roles.SCHOOL_USER))
    SchoolMembership.objects.create(user=colleague, school=other)
    send(client, colleague, other, forename="Hidden", surname="Pupil")
    theirs = NewPupilNotice.objects.get()
    client.force_login(school_user)
    assert "Hidden" not in client.get(reverse("schools:home")).content.decode()
    assert client.get(reverse("schools:notice", args=[theirs.pk])).status_code == 404


def test_a_school_user_reaches_nothing_but_the_portal(client, school_user, missing):
    client.raise_request_exception = False
    client.force_login(school_user)
    assert client.get("/").url == reverse("schools:home")
    portal = client.get(reverse("schools:home")).content.decode()
    assert "Caseload" not in portal and "Find a case" not in portal
    reached = []
    for address in sorted(set(every_address())):
        if address.startswith(("/school/", "/sign-", "/static/", "/healthz", "/oidc/",
                               "/account/", "/admin/login/", "/admin/logout/")) or (
            address == "/"
        ):  # fmt: skip
            continue  # their own pages, signing in and out, and the admin's sign-in page
        for method in (client.get, client.post):
            response = method(address)
            if response.status_code < 400 and not (
                response.status_code == 302 and "/admin/login/" in response.url
            ):
                reached.append((address, method.__name__, response.status_code))
            assert "Khan" not in response.content.decode(), address
    assert reached == [], reached


def test_caseload_aging_counts_the_finds_and_flags_matches_left_waiting(
    client, school_user, riverside, missing, officer, manager
):
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    client.force_login(manager)
    page = client.get(reverse("reports:caseload")).content.decode()
    assert "Matches waiting for an officer" in page and missing.reference in page
    assert "waiting too long" not in page
    later = notice.sent_at + datetime.timedelta(days=14)  # ten working days on
    with time_machine.travel(later, tick=False):
        client.force_login(manager)  # a new day's session
        assert "waiting too long" in client.get(reverse("reports:caseload")).content.decode()
    client.force_login(officer)
    client.post(reverse("schools:confirm", args=[notice.pk]))
    client.force_login(manager)
    page = client.get(reverse("reports:caseload")).content.decode()
    assert "1 case closed this financial year because a school told us" in page
    assert "No matches are waiting for an officer" in page


def test_when_two_cases_look_like_the_pupil_an_officer_chooses_from_the_queue(
    client, school_user, riverside, missing, manager, head_of_service
):
    twin = EpisodeFactory(child=ChildFactory(forename="Muhammed", surname="Khan",
                                             date_of_birth=datetime.date(2015, 3, 3)))  # fmt: skip
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    assert notice.status == NewPupilNotice.Status.UNMATCHED  # two look alike: nobody guesses
    client.force_login(head_of_service)
    assert client.get(reverse("schools:queue")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("schools:queue")).content.decode()
    assert missing.reference in page and twin.reference in page
    other = EpisodeFactory()
    client.post(reverse("schools:suggest", args=[notice.pk]), {"episode": other.pk})
    assert NewPupilNotice.objects.get().status == NewPupilNotice.Status.UNMATCHED
    response = client.post(reverse("schools:suggest", args=[notice.pk]), {"episode": twin.pk})
    assert response.url == reverse("cases:detail", args=[twin.pk])
    assert "A school may have found this child" in client.get(response.url).content.decode()
    assert NewPupilNotice.objects.get().episode == twin


def test_the_school_is_emailed_a_reference_and_a_link_when_its_notice_is_decided(
    client, school_user, riverside, missing, officer
):
    from django.core import mail

    from cme_tracker.core.models import OutboxMessage
    from schools.tasks import tell_school

    school_user.email = "office@riverside.sch.uk"
    school_user.save()
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    client.force_login(officer)
    client.post(reverse("schools:confirm", args=[notice.pk]))
    [message] = OutboxMessage.objects.filter(task="schools.tasks.tell_school")
    tell_school.apply(args=message.args)
    [email] = mail.outbox
    assert email.to == ["office@riverside.sch.uk"] and notice.reference in email.subject
    assert f"/school/notices/{notice.pk}/" in email.body
    for secret in ("Khan", "Mohammed", "2015", missing.reference):
        assert secret not in email.body + email.subject


def test_a_sensitive_case_s_match_names_its_school_only_to_those_who_need_to_know(
    client, school_user, riverside, missing, officer, head_of_service, manager
):
    missing.is_sensitive = True
    missing.save()
    other = UserFactory(username="other.officer")
    other.groups.add(Group.objects.get(name=roles.CME_OFFICER))
    send(client, school_user, riverside)
    case_page = reverse("cases:detail", args=[missing.pk])
    for denied in (other, head_of_service):
        client.force_login(denied)
        html = client.get(case_page).content.decode()
        assert "A school may have found this child" in html
        assert "Riverside Academy" not in html and "Mohammed" not in html
        assert "Close the case: found in school" not in html
    notice = NewPupilNotice.objects.get()
    client.force_login(other)
    client.post(reverse("schools:confirm", args=[notice.pk]))
    assert Episode.objects.get(pk=missing.pk).is_open
    client.force_login(head_of_service)
    aging = client.get(reverse("reports:caseload")).content.decode()
    assert "Hidden: sensitive case" in aging and "Riverside Academy" not in aging
    for allowed in (officer, manager):
        client.force_login(allowed)
        assert "Riverside Academy" in client.get(case_page).content.decode()
    assert "Riverside Academy" in client.get(reverse("reports:caseload")).content.decode()


def test_the_queue_offers_a_sensitive_case_only_to_those_who_need_to_know(
    client, school_user, riverside, missing, manager
):
    missing.is_sensitive = True
    missing.save()
    twin = EpisodeFactory(child=ChildFactory(forename="Muhammed", surname="Khan",
                                             date_of_birth=datetime.date(2015, 3, 3)))  # fmt: skip
    send(client, school_user, riverside)
    notice = NewPupilNotice.objects.get()
    other = UserFactory(username="other.officer")
    other.groups.add(Group.objects.get(name=roles.CME_OFFICER))
    client.force_login(other)
    page = client.get(reverse("schools:queue")).content.decode()
    assert twin.reference in page and missing.reference not in page
    client.post(reverse("schools:suggest", args=[notice.pk]), {"episode": missing.pk})
    assert NewPupilNotice.objects.get().status == NewPupilNotice.Status.UNMATCHED
    client.force_login(manager)
    page = client.get(reverse("schools:queue")).content.decode()
    assert twin.reference in page and missing.reference in page


def test_the_scorecard_counts_cases_found_by_a_schools_notice_and_lists_them(
    client, school_user, riverside, missing, officer, manager
):
    from reports.figures import Figure
    from reports.scorecard import scorecard

    send(client, school_user, riverside)
    before = scorecard(2026)
    assert before.value("found_by_school_notice", quarter=3) == 0
    client.force_login(officer)
    client.post(reverse("schools:confirm", args=[NewPupilNotice.objects.get().pk]))
    card = scorecard(2026)  # 2026/27: its third quarter is October to December 2026
    assert card.value("found_by_school_notice", quarter=3) == 1
    assert card.value("found_by_school_notice") == 1  # the year to date
    assert card.value("7", quarter=3) == before.value("7", quarter=3) + 1
    listed = Episode.objects.filter(Figure("found_by_school_notice", 2026, 3).cases(TODAY))
    assert list(listed) == [missing]
    client.force_login(manager)
    page = client.get(reverse("reports:scorecard")).content.decode()
    assert "Cases resolved because a school&#x27;s new-pupil notice found the child" in page
    aging = client.get(reverse("reports:caseload")).content.decode()
    assert "1 case closed this financial year because a school told us" in aging


def test_a_case_reopened_and_closed_another_way_was_not_found_by_the_notice(
    client, school_user, riverside, missing, officer, manager
):
    from cases import services as case_services
    from cases.models import ClosureOutcome
    from reports.figures import Figure
    from reports.scorecard import scorecard

    send(client, school_user, riverside)
    client.force_login(officer)
    client.post(reverse("schools:confirm", args=[NewPupilNotice.objects.get().pk]))
    case = Episode.objects.get(pk=missing.pk)
    case_services.episode_reopen(episode=case, reason="Wrong child: the school's was a twin",
                                 by=manager)  # fmt: skip
    other = ClosureOutcome.objects.filter(needs="", is_historical_only=False).first()
    case_services.episode_close(episode=case, outcome=other, closed_on=TODAY, by=manager)
    assert NewPupilNotice.objects.get().status == NewPupilNotice.Status.CONFIRMED  # as told
    card = scorecard(2026)
    assert card.value("found_by_school_notice", quarter=3) == 0
    assert card.value("found_by_school_notice") == 0
    assert not Episode.objects.filter(Figure("found_by_school_notice", 2026, 3).cases(TODAY))
    client.force_login(manager)
    aging = client.get(reverse("reports:caseload")).content.decode()
    assert "0 cases closed this financial year because a school told us" in aging
