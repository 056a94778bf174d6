"""An officer keeps the child's and family's record true from the case: checked as at intake,
refused from a stale page, and told, before and after, on every case of the child or family."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Child, Event
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, ClosedEpisodeFactory, EpisodeFactory, FamilyFactory
from tests.conftest import _user_with_role
from tests.referrals.test_referral_form import upn_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


def child_form(episode, **changes):
    child = episode.child
    data = {
        "version": episode.version, "forename": child.forename, "surname": child.surname,
        "date_of_birth_0": str(child.date_of_birth.day),
        "date_of_birth_1": str(child.date_of_birth.month),
        "date_of_birth_2": str(child.date_of_birth.year),
        "gender": child.gender, "sen_status": child.sen_status, "upn": child.upn,
    }  # fmt: skip
    data.update(changes)
    return data


def test_correcting_the_child_is_told_on_every_case_of_the_child(client, officer):
    child = ChildFactory(forename="Lena", surname="Kowalsky")
    old = ClosedEpisodeFactory(child=child, referral_date=D(2023, 1, 9), closed_on=D(2023, 3, 1))
    case = EpisodeFactory(child=child, allocated_officer=officer, referral_date=D(2026, 9, 1))
    client.force_login(officer)
    response = client.post(reverse("cases:child_edit", args=[case.pk]),
                           child_form(case, surname="Kowalska", upn=upn_for(7)))  # fmt: skip
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.surname, child.upn) == ("Kowalska", upn_for(7))
    for each in (old, case):
        history = client.get(reverse("cases:history", args=[each.pk])).content.decode()
        assert "Child&#x27;s details corrected" in history
        assert "Last name: Kowalsky → Kowalska" in history


def test_the_child_is_checked_as_at_intake(client, officer):
    other = ChildFactory(upn=upn_for(8))
    case = EpisodeFactory(allocated_officer=officer, referral_date=D(2026, 9, 1))
    client.force_login(officer)
    url = reverse("cases:child_edit", args=[case.pk])
    wrong_letter = "A" + upn_for(9)[1:] if upn_for(9)[0] != "A" else "B" + upn_for(9)[1:]
    for changes, message in [
        ({"upn": wrong_letter}, "The UPN is not valid"),
        ({"upn": other.upn}, f"This UPN already belongs to another child, {other.reference}"),
        ({"date_of_birth_2": "2026", "date_of_birth_1": "10"},
         "The date of birth must be before the child&#x27;s first referral, 1 September 2026"),
        ({"forename": ""}, "Enter the child&#x27;s first name"),
    ]:  # fmt: skip
        html = client.post(url, child_form(case, **changes)).content.decode()
        assert message in html, message
    assert Child.objects.get(pk=case.child_id).upn == ""


def test_a_correction_from_a_stale_page_is_refused(client, officer, manager):
    from cases import services

    case = EpisodeFactory(allocated_officer=officer)
    services.episode_update(
        episode=case, expected_version=case.version, by=manager, fsm_at_referral=True
    )  # someone else, after the page was loaded
    client.force_login(officer)
    html = client.post(reverse("cases:child_edit", args=[case.pk]),
                       child_form(case, surname="Changed")).content.decode()  # fmt: skip
    assert "changed this case while you were working on it" in html
    assert Child.objects.get(pk=case.child_id).surname != "Changed"


def test_a_move_keeps_earlier_cases_at_the_address_they_had(client, officer):
    family = FamilyFactory()
    family.addresses.create(line_1="1 Old Road", postcode="DB1 1AA", start_date=D(2020, 1, 1))
    earlier = ClosedEpisodeFactory(child=ChildFactory(family=family), referral_date=D(2024, 1, 8),
                                   closed_on=D(2024, 3, 1))  # fmt: skip
    case = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer,
                          referral_date=D(2026, 9, 1))  # fmt: skip
    client.force_login(officer)
    response = client.post(reverse("cases:address_add", args=[case.pk]), {
        "version": case.version, "line_1": "2 New Street", "postcode": "db2 2bb",
        "start_date_0": "2", "start_date_1": "11", "start_date_2": "2026",
    })  # fmt: skip
    assert response.status_code == 302
    now = client.get(case.get_absolute_url()).content.decode()
    then = client.get(earlier.get_absolute_url()).content.decode()
    assert "2 New Street" in now[now.index(">Address<") : now.index("Record a move")]
    assert "1 Old Road" in then[then.index("Address while") : then.index("Brothers and sisters")]
    assert "DB2 2BB" in now  # written the usual way
    assert family.addresses.get(line_1="1 Old Road").end_date == D(2026, 11, 2)
    for each in (earlier, case):
        assert Event.objects.filter(episode=each, verb="family.address_added").exists()


def test_carers_are_added_changed_and_ended_and_a_child_alone_gets_a_family(client, officer):
    case = EpisodeFactory(allocated_officer=officer)
    assert case.child.family is None
    client.force_login(officer)
    client.post(reverse("cases:carer_add", args=[case.pk]), {
        "version": case.version, "name": "Rosa Example", "relationship": "Mother",
    })  # fmt: skip
    child = Child.objects.get(pk=case.child_id)
    carer = child.family.carers.get()
    case.refresh_from_db()
    client.post(reverse("cases:carer_edit", args=[case.pk, carer.pk]), {
        "version": case.version, "name": "Rosa Example", "relationship": "Mother",
        "phone": "01632 960321", "ended_on_0": "1", "ended_on_1": "11", "ended_on_2": "2026",
    })  # fmt: skip
    page = client.get(case.get_absolute_url()).content.decode()
    assert "01632 960321" in page and "not a carer since 1 November 2026" in page
    history = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert "Parent or carer added" in history
    assert "Phone number: – → 01632 960321" in history


def test_a_colleague_cannot_correct_another_officer_s_child(client, officer):
    colleague = _user_with_role(roles.CME_OFFICER)
    case = EpisodeFactory(allocated_officer=officer)
    client.force_login(colleague)
    for name in ("cases:child_edit", "cases:carer_add", "cases:address_add"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 403, name


def test_a_sensitive_family_s_changes_are_withheld_in_history(client, officer):
    family = FamilyFactory(is_sensitive=True)
    case = EpisodeFactory(child=ChildFactory(family=family, is_sensitive=True),
                          allocated_officer=officer)  # fmt: skip
    client.force_login(officer)
    client.post(reverse("cases:address_add", args=[case.pk]), {
        "version": case.version, "line_1": "7 Safe House Lane", "postcode": "DB3 3CC",
        "start_date_0": "2", "start_date_1": "11", "start_date_2": "2026",
    })  # fmt: skip
    head = _user_with_role(roles.HEAD_OF_SERVICE)
    client.force_login(head)
    history = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert "Family moved to a new address" in history
    assert "Safe House" not in history and "DB3 3CC" not in history
    assert family.addresses.get().is_sensitive  # given to a sensitive family: sensitive itself


def test_an_address_or_carer_hidden_on_the_case_cannot_be_opened_to_correct(client, officer):
    # A refuge's address and contact, kept hidden after the case's sensitivity was lifted.
    family = FamilyFactory()
    refuge = family.addresses.create(line_1="12 Refuge Row", postcode="DB9 9RR",
                                     start_date=D(2025, 9, 1), is_sensitive=True)  # fmt: skip
    contact = family.carers.create(name="Refuge Worker", relationship="Key worker",
                                   phone="01632 960555", is_sensitive=True)  # fmt: skip
    case = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer,
                          referral_date=D(2026, 9, 1))  # fmt: skip
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "12 Refuge Row" not in page and "Refuge Worker" not in page
    for url, data in [
        (reverse("cases:address_edit", args=[case.pk, refuge.pk]),
         {"version": case.version, "line_1": "Changed", "start_date_0": "1",
          "start_date_1": "9", "start_date_2": "2025"}),
        (reverse("cases:carer_edit", args=[case.pk, contact.pk]),
         {"version": case.version, "name": "Changed", "relationship": "Key worker"}),
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403
        assert "Refuge" not in response.content.decode()
        assert client.post(url, data).status_code == 403
    refuge.refresh_from_db()
    contact.refresh_from_db()
    assert (refuge.line_1, contact.name) == ("12 Refuge Row", "Refuge Worker")
