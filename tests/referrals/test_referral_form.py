"""The referral form: plain-English errors, the school-age confirmation, nothing half-saved."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Child, Episode, Event, Family
from cases.upn import expected_check_letter
from referrals.models import Referral, ReferralSource
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


def referral_data(**overrides):
    data = {
        "referral-source": ReferralSource.objects.get(code="SCHOOL").pk,
        "referral-received_on_0": "20", "referral-received_on_1": "11",
        "referral-received_on_2": "2026",
        "referral-reason": "Removed from roll",
        "child-TOTAL_FORMS": "1", "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1", "child-MAX_NUM_FORMS": "12",
        "child-0-forename": "Lena", "child-0-surname": "Kowalska",
        "child-0-date_of_birth_0": "4", "child-0-date_of_birth_1": "2",
        "child-0-date_of_birth_2": "2015",
        "child-0-gender": "FEMALE", "child-0-sen_status": "NOT_KNOWN",
        "case-missing_reason": "",
        "case-allocate_to_me": "on",
    }  # fmt: skip
    from cases.models import MissingReason

    data["case-missing_reason"] = MissingReason.objects.get(code="UNKNOWN").pk
    data.update(overrides)
    return data


def second_child(forename, surname, born, gender="FEMALE") -> dict:
    """The fields of a second child on ``referral_data``."""
    return {
        "child-TOTAL_FORMS": "2", "child-1-forename": forename, "child-1-surname": surname,
        "child-1-date_of_birth_0": str(born.day), "child-1-date_of_birth_1": str(born.month),
        "child-1-date_of_birth_2": str(born.year), "child-1-gender": gender,
        "child-1-sen_status": "NOT_KNOWN",
    }  # fmt: skip


def post(client, user, data):
    client.force_login(user)
    return client.post(reverse("referrals:new"), data)


def nothing_saved():
    return not (Referral.objects.exists() or Child.objects.exists() or Family.objects.exists())


def test_a_wrong_upn_check_letter_names_the_expected_letter(client, officer):
    response = post(client, officer, referral_data(**{"child-0-upn": "A999200025001"}))
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The UPN is not valid: its first letter does not match its digits" in html
    assert "should be M" not in html  # the right letter is never given away
    assert 'href="#id_child-0-upn"' in html  # the summary links to the field
    assert nothing_saved()


def test_a_temporary_upn_is_accepted(client, officer):
    body = "99920002600A"
    upn = expected_check_letter("A" + body) + body
    response = post(client, officer, referral_data(**{"child-0-upn": upn.lower()}))
    assert response.status_code == 302  # nobody to compare with: saved at once
    assert Child.objects.get().upn == upn


def test_dates_cannot_be_in_the_future(client, officer):
    html = post(
        client, officer,
        referral_data(**{"referral-received_on_0": "24", "child-0-date_of_birth_2": "2027"}),
    ).content.decode()  # fmt: skip
    assert "The date the referral was received must be today or in the past" in html
    assert "The date of birth must be today or in the past" in html
    assert nothing_saved()


def test_an_impossible_date_is_explained(client, officer):
    impossible = referral_data(**{"child-0-date_of_birth_0": "31", "child-0-date_of_birth_1": "2"})
    html = post(client, officer, impossible).content.decode()
    assert "The date of birth must be a real date" in html


def test_a_child_outside_school_age_needs_explicit_confirmation(client, officer):
    too_young = {"child-0-date_of_birth_2": "2022"}
    html = post(client, officer, referral_data(**too_young)).content.decode()
    assert "is not of compulsory school age on the referral date" in html
    assert nothing_saved()
    confirmed = referral_data(**too_young, **{"child-0-confirm_outside_school_age": "on"})
    response = post(client, officer, confirmed)
    assert response.status_code == 302
    assert Child.objects.filter(date_of_birth__year=2022).exists()


def test_required_fields_and_postcode_format(client, officer):
    data = referral_data(**{"child-0-forename": "", "family-line_1": "1 Road",
                            "family-postcode": "NOT A CODE"})  # fmt: skip
    data.pop("case-missing_reason")
    html = post(client, officer, data).content.decode()
    assert "Enter the child&#x27;s first name" in html
    assert "Enter a real postcode, like DB1 4AB" in html
    assert "Choose why the children are missing education" in html


def test_adding_a_child_keeps_what_was_typed_and_shows_no_errors(client, officer):
    data = referral_data(add_child="1")
    html = post(client, officer, data).content.decode()
    assert "Child 2" in html and 'value="Lena"' in html
    assert "There is a problem" not in html


def test_a_referral_of_a_child_with_an_open_case_joins_that_case(client, officer):
    known = ChildFactory(
        forename="Lena", surname="Kowalska", date_of_birth=datetime.date(2015, 2, 4)
    )
    open_case = EpisodeFactory(child=known, referral_date=datetime.date(2026, 9, 1))
    response = post(client, officer, referral_data())
    check = client.get(response.url).content.decode()
    assert "Same date of birth and a similar name" in check
    assert f"add the referral to open case {open_case.reference}" in check
    response = client.post(response.url, {"child-1": known.pk})
    assert response.status_code == 302
    assert Episode.objects.filter(child=known).count() == 1  # never a second open case
    assert Event.objects.filter(episode=open_case, verb="episode.referral_attached").exists()
    assert Referral.objects.get().children.get() == known


def test_the_officer_must_decide_about_each_candidate(client, officer):
    ChildFactory(forename="Lena", surname="Kowalska", date_of_birth=datetime.date(2015, 2, 4))
    response = post(client, officer, referral_data())
    html = client.post(response.url, {}).content.decode()
    assert "Say whether Lena is a child already known or a new child" in html
    assert not Referral.objects.exists()


def test_a_new_child_confirmed_by_the_officer(client, officer):
    ChildFactory(forename="Lena", surname="Kowalski", date_of_birth=datetime.date(2015, 2, 4))
    response = post(client, officer, referral_data())
    client.get(response.url)  # the officer sees the known child first
    client.post(response.url, {"child-1": "new"})
    assert Child.objects.filter(forename="Lena").count() == 2
    episode = Episode.objects.get(child__surname="Kowalska")
    assert episode.allocated_officer == officer


def test_a_sibling_group_shares_one_family_and_locality_comes_from_the_postcode(client, officer):
    SchoolFactory(name="Brook Lane Primary School", urn=990123)
    data = referral_data(**{
        "child-TOTAL_FORMS": "2",
        "child-1-forename": "Marek", "child-1-surname": "Kowalski",
        "child-1-date_of_birth_0": "9", "child-1-date_of_birth_1": "9",
        "child-1-date_of_birth_2": "2012", "child-1-gender": "MALE",
        "child-1-sen_status": "NOT_KNOWN",
        "referral-last_school": "Brook Lane",
        "family-carer_name": "Ola Kowalska", "family-carer_relationship": "Mother",
        "family-line_1": "3 Canal Side", "family-postcode": "db3 4xy",
    })  # fmt: skip
    post(client, officer, data)
    episodes = Episode.objects.select_related("child", "locality", "area", "last_school")
    assert episodes.count() == 2
    assert len({e.child.family_id for e in episodes}) == 1
    assert {e.area.code for e in episodes} == {"WINGFIELD"}
    assert {e.locality.code for e in episodes} == {"CENTRAL"}
    assert {e.school_phase for e in episodes} == {"PRIMARY"}
    assert Family.objects.get().addresses.get().postcode == "DB3 4XY"


def test_a_child_added_after_the_check_page_was_shown_stops_the_save(client, officer):
    """The officer decides on the known children shown to them: if a colleague adds the same
    child meanwhile, nothing is saved and the check page comes back with the newcomer."""
    ChildFactory(forename="Lena", surname="Kowalski", date_of_birth=datetime.date(2015, 2, 4))
    check_page = post(client, officer, referral_data()).url
    client.get(check_page)
    newcomer = ChildFactory(forename="Lena", surname="Kowalska", date_of_birth=datetime.date(
        2015, 2, 4))  # fmt: skip
    response = client.post(check_page, {"child-1": "new"}, follow=True)
    assert Child.objects.count() == 2 and not Referral.objects.exists()
    html = response.content.decode()
    assert "was added to the service just now" in html
    assert f'value="{newcomer.pk}"' in html  # offered now


def test_two_referrals_in_two_tabs_keep_their_own_check_pages(client, officer):
    ChildFactory(forename="Lena", surname="Kowalski", date_of_birth=datetime.date(2015, 2, 4))
    ChildFactory(forename="Tomas", surname="Novak", date_of_birth=datetime.date(2014, 1, 9))
    first = post(client, officer, referral_data()).url
    second = post(client, officer, referral_data(**{
        "child-0-forename": "Tomas", "child-0-surname": "Novak",
        "child-0-date_of_birth_0": "9", "child-0-date_of_birth_1": "1",
        "child-0-date_of_birth_2": "2014", "child-0-gender": "MALE",
    })).url  # fmt: skip
    assert first != second
    client.get(second)
    client.get(first)
    client.post(first, {"child-1": "new"})
    assert list(Referral.objects.get().children.values_list("forename", flat=True)) == ["Lena"]
    assert "Tomas" in client.get(second).content.decode()  # still waiting, untouched


def test_a_choice_the_check_page_did_not_offer_is_refused(client, officer):
    ChildFactory(forename="Lena", surname="Kowalski", date_of_birth=datetime.date(2015, 2, 4))
    check_page = post(client, officer, referral_data()).url
    client.get(check_page)
    html = client.post(check_page, {"child-1": "999999"}).content.decode()
    assert "Say whether Lena is a child already known or a new child" in html
    assert not Referral.objects.exists()


def test_one_child_twice_on_a_referral_is_caught(client, officer):
    data = referral_data(**second_child("Lena", "Kowalska", datetime.date(2015, 2, 4)))
    html = post(client, officer, data).content.decode()
    assert "Child 1 and child 2 have the same date of birth and a similar name" in html
    assert nothing_saved()


def test_one_known_child_chosen_for_two_children_is_refused_not_a_crash(client, officer):
    born = datetime.date(2015, 2, 4)
    known = ChildFactory(forename="Lena", surname="Kowalski", date_of_birth=born, upn=upn_for(1))
    data = referral_data(**second_child("Totally", "Different", datetime.date(2014, 1, 1)),
                         **{"child-1-upn": known.upn})  # fmt: skip
    check_page = post(client, officer, data).url
    client.get(check_page)
    response = client.post(check_page, {"child-1": known.pk, "child-2": known.pk})
    assert response.status_code == 200
    assert "cannot both be Lena Kowalski" in response.content.decode()
    assert not Referral.objects.exists()


def test_someone_else_s_form_cannot_be_sent_again(client, officer, manager):
    import uuid

    data = referral_data(**{"referral-form_token": str(uuid.uuid4())})
    post(client, officer, data)
    response = post(client, manager, data)
    assert response.url == reverse("referrals:new")
    assert Referral.objects.count() == 1


def upn_for(serial: int) -> str:
    body = f"999200025{serial:03d}"
    return expected_check_letter("A" + body) + body


class TestLinkingAKnownChildNeverMergesFamiliesSilently:
    """Lena is known, in her mother's family, with a case closed last year. A new referral
    names her with a new brother, a different carer and a new address."""

    @pytest.fixture
    def lena(self):
        from cases.models import Family

        family = Family.objects.create()
        family.carers.create(name="Old Carer", relationship="Mother")
        family.addresses.create(line_1="1 Old Road", postcode="DB1 1AA",
                                start_date=datetime.date(2020, 1, 1))  # fmt: skip
        child = ChildFactory(forename="Lena", surname="Kowalska",
                             date_of_birth=datetime.date(2015, 2, 4), family=family)  # fmt: skip
        from tests.cases.factories import ClosedEpisodeFactory

        ClosedEpisodeFactory(child=child, referral_date=datetime.date(2025, 1, 6),
                             closed_on=datetime.date(2025, 3, 3))  # fmt: skip
        return child

    def referral(self, client, officer):
        data = referral_data(**second_child("Tomek", "Kowalski", datetime.date(2017, 6, 1),
                                            gender="MALE"),
                             **{"family-carer_name": "New Carer", "family-carer_relationship":
                                "Aunt", "family-line_1": "2 New Street",
                                "family-postcode": "DB2 2BB"})  # fmt: skip
        check_page = post(client, officer, data).url
        return check_page, client.get(check_page).content.decode()

    def test_the_check_page_shows_both_families_and_asks(self, client, officer, lena):
        check_page, html = self.referral(client, officer)
        assert "Old Carer" in html and "1 Old Road" in html  # the known family
        assert "New Carer" in html and "2 New Street" in html  # the referral's
        assert "which family are the children in?" in html
        html = client.post(check_page, {"child-1": lena.pk, "child-2": "new"}).content.decode()
        assert "Say which family the children on this referral are in" in html
        assert not Referral.objects.exists()

    def test_keeping_the_known_family_records_the_change_on_each_case(self, client, officer, lena):
        check_page, _ = self.referral(client, officer)
        client.post(check_page, {"child-1": lena.pk, "child-2": "new", "family": "keep"})
        tomek = Child.objects.get(forename="Tomek")
        assert tomek.family == lena.family
        closed = lena.episodes.get(status="CLOSED")
        assert Event.objects.filter(episode=closed, verb="family.details_added").exists()
        closed_page = client.get(closed.get_absolute_url()).content.decode()
        assert "1 Old Road" in closed_page[closed_page.index("Address while") :]  # as it was then

    def test_a_new_family_leaves_the_known_one_untouched(self, client, officer, lena):
        old_family = lena.family
        check_page, _ = self.referral(client, officer)
        client.post(check_page, {"child-1": lena.pk, "child-2": "new", "family": "new"})
        lena.refresh_from_db()
        tomek = Child.objects.get(forename="Tomek")
        assert lena.family == tomek.family != old_family
        assert list(old_family.carers.values_list("name", flat=True)) == ["Old Carer"]
        assert list(old_family.addresses.values_list("line_1", flat=True)) == ["1 Old Road"]
        assert old_family.addresses.get().end_date is None
        assert list(lena.family.carers.values_list("name", flat=True)) == ["New Carer"]
        closed = lena.episodes.get(status="CLOSED")  # her case from before says she moved
        assert Event.objects.filter(episode=closed, verb="child.moved_family").exists()
        history = client.get(reverse("cases:history", args=[closed.pk])).content.decode()
        assert f"From family {old_family.reference} to {lena.family.reference}" in history
