"""A refuge address reaches no one without need to know, by any path a careless insider tries:
a re-referral, linking a known child, a sibling's case, the duplicate check, free text on
every page, exports, letters, notifications and the admin. Only a manager lifts it."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases import services
from cases.models import AccessLogEntry, Area, ClosureOutcome, EnquiryType, Episode, Event
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory, SchoolFactory
from tests.conftest import _user_with_role
from tests.referrals.test_referral_form import referral_data, second_child

pytestmark = pytest.mark.django_db
D = datetime.date

# What must never reach anyone without need to know.
SECRETS = [
    "12 Refuge Row", "DB9 9RR", "Nadia Refuge", "01632 960555", "Headteacher, Ashfield",
    "01234 555666", "Seen at the refuge", "Ashfield Primary School", "Farshire",
    "Fled to a refuge",
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def people(db):
    return {
        "allocated": _user_with_role(roles.CME_OFFICER),
        "officer": _user_with_role(roles.CME_OFFICER),
        "manager": _user_with_role(roles.TEAM_MANAGER),
        "head": _user_with_role(roles.HEAD_OF_SERVICE),
        "admin": _user_with_role(roles.ADMINISTRATOR, is_staff=True),
    }


@pytest.fixture
def refuge(people):
    """Lena's family fled to a refuge: her case is sensitive and closed, with every kind of
    detail, written as officers write them."""
    by = people["allocated"]
    family = FamilyFactory()
    family.carers.create(name="Nadia Refuge", relationship="Mother", phone="01632 960555")
    family.addresses.create(line_1="12 Refuge Row", postcode="DB9 9RR", is_sensitive=True)
    lena = ChildFactory(
        forename="Lena", surname="Kowalska", date_of_birth=D(2015, 2, 4), family=family
    )
    episode = EpisodeFactory(
        child=lena, allocated_officer=by, referral_date=D(2025, 9, 1),
        last_school=SchoolFactory(name="Ashfield Primary School"),
    )  # fmt: skip
    services.sensitivity_mark(episode=episode, by=by, reason="Fled to a refuge")
    [enquiry] = services.enquiry_add(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="LAST_SCHOOL"),
        made_to="Headteacher, Ashfield Primary, tel 01234 555666",
        requested_on=D(2025, 9, 2), notes="Seen at the refuge", by=by,
    )  # fmt: skip
    services.enquiry_complete(
        enquiry=enquiry, completed_on=D(2025, 9, 5), response="Seen at the refuge", by=by
    )
    services.episode_close(
        episode=episode, outcome=ClosureOutcome.objects.get(code="OTHER_LA_ACCEPTED"),
        closed_on=D(2025, 10, 1), by=by,
        details={"local_authority": "Farshire", "accepted_by": "CME officer, Farshire"},
    )  # fmt: skip
    return Episode.objects.get(pk=episode.pk)


def html_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    return response.content.decode()


def leaked(html):
    return [secret for secret in SECRETS if secret in html]


def case_pages(episode):
    return [reverse("cases:detail", args=[episode.pk]), reverse("cases:history", args=[episode.pk])]


def test_its_allocated_officer_and_the_managers_see_everything(client, people, refuge):
    for who in ("allocated", "manager"):
        html = "".join(html_of(client, people[who], url) for url in case_pages(refuge))
        assert leaked(html) == SECRETS, who


@pytest.mark.parametrize("who", ["officer", "head", "admin"])
def test_everyone_else_sees_that_details_are_hidden_never_a_blank(client, people, refuge, who):
    for url in case_pages(refuge):
        html = html_of(client, people[who], url)
        assert leaked(html) == [], (who, url)
        assert "Hidden: sensitive case" in html
    detail = html_of(client, people[who], case_pages(refuge)[0])
    assert "No current address" not in detail and "No parent or carer recorded" not in detail


def test_a_re_referral_by_an_officer_without_need_to_know_stays_sensitive(client, people, refuge):
    """The careless insider's path: the name and date of birth from the case page, no address,
    'sensitive' left unticked, 'allocate to me' left ticked, the known child picked."""
    officer = people["officer"]
    client.force_login(officer)
    response = client.post(reverse("referrals:new"), referral_data())  # Lena, 4 February 2015
    assert response.status_code == 302 and response.url.startswith("/referrals/new/check/")
    check_page = response.url
    check = client.get(check_page).content.decode()
    assert leaked(check) == [] and "Sensitive" in check
    response = client.post(check_page, {"child-1": refuge.child.pk, "family": "keep"}, follow=True)
    new = Episode.objects.get(child=refuge.child, status="OPEN")
    assert new.child.is_sensitive and new.child.family.is_sensitive  # the marks, unlifted
    assert new.allocated_officer is None  # left for a manager: no way in by self-allocation
    assert "left for a manager to allocate" in response.content.decode()
    for who in ("officer", "head", "admin"):
        for url in case_pages(new):
            assert leaked(html_of(client, people[who], url)) == [], (who, url)
    look = AccessLogEntry.objects.filter(episode=new, user=officer).first()
    assert look is not None and not look.details_shown
    # Her allocated officer's need to know of the family carries to the new case once a
    # manager gives it to them; the referrer's does not.
    client.force_login(people["manager"])
    client.post(reverse("cases:allocate", args=[new.pk]),
                {"version": new.version, "officer": people["allocated"].pk})  # fmt: skip
    assert "12 Refuge Row" in html_of(client, people["allocated"], case_pages(new)[0])


def test_linking_a_known_child_brings_a_new_sibling_into_the_sensitivity(client, people, refuge):
    data = referral_data(**second_child("Mia", "Kowalska", D(2016, 9, 9)))
    client.force_login(people["officer"])
    check_page = client.post(reverse("referrals:new"), data).url
    client.get(check_page)
    client.post(check_page, {"child-1": refuge.child.pk, "child-2": "new", "family": "keep"})
    mia = Episode.objects.get(child__forename="Mia")
    assert mia.child.is_sensitive and mia.child.family == refuge.child.family
    for url in case_pages(mia):
        assert leaked(html_of(client, people["officer"], url)) == [], url


def test_a_brother_s_or_sister_s_case_is_sensitive_too(client, people, refuge):
    sibling = EpisodeFactory(
        child=ChildFactory(family=refuge.child.family), allocated_officer=people["manager"]
    )
    for who in ("officer", "head", "admin"):
        assert leaked(html_of(client, people[who], case_pages(sibling)[0])) == [], who
    # The sibling's own officer works with the family: the family's details are theirs.
    client.force_login(people["manager"])
    client.post(reverse("cases:allocate", args=[sibling.pk]),
                {"version": sibling.version, "officer": people["officer"].pk})  # fmt: skip
    assert "12 Refuge Row" in html_of(client, people["officer"], case_pages(sibling)[0])


def test_forms_and_the_letter_of_a_sensitive_case_are_closed_to_others(client, people, refuge):
    open_case = EpisodeFactory(
        child=ChildFactory(family=refuge.child.family), allocated_officer=people["allocated"],
        removal_from_roll_authorised_on=D(2026, 11, 2),
        removal_from_roll_school=refuge.last_school,
    )  # fmt: skip
    [enquiry] = services.enquiry_add(
        episode=open_case, enquiry_type=EnquiryType.objects.get(code="S2S"),
        made_to="Headteacher, Ashfield again", requested_on=D(2026, 11, 2),
        by=people["allocated"],
    )  # fmt: skip
    urls = [
        reverse("cases:enquiry_complete", args=[open_case.pk, enquiry.pk]),
        reverse("cases:edit", args=[open_case.pk]),
        reverse("cases:close", args=[open_case.pk]),
        reverse("cases:removal_from_roll_letter", args=[open_case.pk]),
    ]
    for who in ("officer", "head", "admin"):
        for url in urls:
            client.force_login(people[who])
            response = client.get(url)
            assert response.status_code == 403 and leaked(response.content.decode()) == []
    client.force_login(people["allocated"])
    letter = client.get(urls[-1])
    assert letter["Content-Type"] == "application/pdf"
    assert "Headteacher, Ashfield" in html_of(client, people["allocated"], urls[0])


def test_the_cases_export_leaves_sensitive_cases_to_those_with_access(client, people, refuge):
    EpisodeFactory()  # an ordinary case
    client.force_login(people["admin"])
    rows = b"".join(client.get(reverse("cases:cases_export")).streaming_content).decode()
    assert "Kowalska" not in rows and rows.count("\r\n") == 2  # header and the ordinary case
    assert "leaves out 1 sensitive case" in html_of(
        client, people["admin"], reverse("cases:cases_import")
    )
    client.force_login(people["manager"])
    rows = b"".join(client.get(reverse("cases:cases_export")).streaming_content).decode()
    assert "Kowalska" in rows and rows.count("\r\n") == 3
    [look] = AccessLogEntry.objects.filter(user=people["manager"])
    assert look.episode == refuge and look.page == reverse("cases:cases_export")


def test_the_admin_shows_an_event_as_history_does(client, people, refuge):
    event = Event.objects.get(episode=refuge, verb="enquiry.added")
    url = reverse("admin:cases_event_change", args=[event.pk])
    html = html_of(client, people["admin"], url)
    assert leaked(html) == [] and "Hidden: sensitive case" in html
    assert AccessLogEntry.objects.get(user=people["admin"]).details_shown is False
    listing = html_of(client, people["admin"], reverse("admin:cases_event_changelist"))
    assert leaked(listing) == []
    people["admin"].user_permissions.add(
        Permission.objects.get(codename="view_sensitive_episode")
    )  # a superuser granted it
    assert "Headteacher, Ashfield" in html_of(client, people["admin"], url)


def test_notifications_and_their_emails_carry_no_detail(client, people, refuge, mailoutbox):
    sibling = EpisodeFactory(child=ChildFactory(family=refuge.child.family))
    services.enquiry_add(
        episode=sibling, enquiry_type=EnquiryType.objects.get(code="S2S"),
        made_to="Headteacher, Ashfield once more", requested_on=D(2026, 11, 2),
        by=people["manager"],
    )  # fmt: skip
    services.episode_allocate(episode=sibling, officer=people["officer"], by=people["manager"])
    services.allocation_notify(event_id=Event.objects.filter(verb="episode.allocated").last().pk)
    services.overdue_alerts_send(today=D(2026, 11, 23))
    html = html_of(client, people["officer"], reverse("cases:notifications"))
    assert leaked(html) == [] and sibling.reference in html
    assert mailoutbox and all(leaked(mail.subject + mail.body) == [] for mail in mailoutbox)


def test_the_case_list_and_search_show_names_and_references_only(client, people, refuge):
    html = html_of(client, people["officer"], reverse("cases:list") + "?q=Lena")
    assert refuge.reference in html and leaked(html) == []


def test_only_a_manager_lifts_it_with_a_reason_and_a_refuge_address_stays_hidden(
    client, people, refuge
):
    url = reverse("cases:sensitivity_lift", args=[refuge.pk])
    client.force_login(people["allocated"])
    assert client.get(url).status_code == 403
    client.force_login(people["manager"])
    response = client.post(url, {"reason": ""})
    assert "Enter the reason for lifting the sensitivity" in response.content.decode()
    assert Episode.objects.get(pk=refuge.pk).child.family.is_sensitive
    response = client.post(url, {"reason": "Family rehoused; risk assessment closed"})
    assert response.status_code == 302
    refuge = Episode.objects.get(pk=refuge.pk)
    family = refuge.child.family
    assert not (refuge.is_sensitive or refuge.child.is_sensitive or family.is_sensitive)
    html = html_of(client, people["officer"], case_pages(refuge)[0])
    assert "Nadia Refuge" in html and "Farshire" in html
    assert "12 Refuge Row" not in html and "Hidden: sensitive case" in html  # marked itself
    history = html_of(client, people["manager"], case_pages(refuge)[1])
    assert "Sensitivity lifted" in history and "risk assessment closed" in history
    lifted = Event.objects.get(episode=refuge, verb="sensitivity.lifted")
    assert lifted.actor == people["manager"]


def test_a_lift_can_show_an_address_marked_sensitive_when_the_manager_ticks_it(
    client, people, refuge
):
    address = refuge.child.family.addresses.get()
    client.force_login(people["manager"])
    client.post(
        reverse("cases:sensitivity_lift", args=[refuge.pk]),
        {"reason": "Moved on from the refuge", "show_addresses": [address.pk]},
    )
    assert "12 Refuge Row" in html_of(client, people["officer"], case_pages(refuge)[0])


def test_marking_one_case_marks_the_whole_family_with_a_history_entry_on_each(client, people):
    family = FamilyFactory()
    family.addresses.create(line_1="3 New Road", postcode="DB1 1AA")
    mine = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=people["officer"])
    theirs = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=people["manager"])
    client.force_login(people["officer"])
    response = client.post(reverse("cases:sensitivity_mark", args=[mine.pk]), {"reason": ""})
    assert response.status_code == 302
    for episode in (mine, theirs):
        assert Episode.objects.get(pk=episode.pk).child.is_sensitive
        assert Event.objects.filter(episode=episode, verb="sensitivity.marked").count() == 1
    assert "3 New Road" not in html_of(client, people["head"], case_pages(theirs)[0])
    # A later case of either child, however it is opened, is sensitive too.
    services.episode_close(
        episode=mine, outcome=ClosureOutcome.objects.get(code="LEFT_UK_VERIFIED"),
        closed_on=D(2026, 11, 1), by=people["manager"], details={"how_verified": "Border Force"},
    )  # fmt: skip
    later = services.episode_open(
        child=mine.child, referral=None, referral_date=D(2026, 11, 20), by=people["manager"]
    )
    assert "3 New Road" not in html_of(client, people["head"], case_pages(later)[0])


def test_an_import_may_mark_a_case_sensitive_but_never_lift_it(tmp_path, people):
    from cases.bulk.exporter import export_file
    from tests.cases.test_bulk_import import HEADER, row, run, write

    report = run(write(tmp_path, [row(sensitive="Y")], header=[*HEADER, "sensitive"]))
    assert report.imported, report.errors
    episode = Episode.objects.get()
    assert episode.is_sensitive and episode.child.is_sensitive and episode.child.family.is_sensitive
    path = tmp_path / "again.csv"
    export_file(path)
    text = path.read_bytes()
    assert text.endswith(b",Y\r\n")
    path.write_bytes(text[: -len(b"Y\r\n")] + b"N\r\n")
    refused = run(path, by=people["admin"])  # no sensitive access: the row is not theirs
    assert not refused.imported
    assert refused.errors == [
        "line 2: this row is about a sensitive family; only someone with sensitive access "
        "(a manager) may import it"
    ]
    again = run(path, by=people["manager"])
    episode = Episode.objects.get()
    assert episode.is_sensitive and episode.child.is_sensitive  # never lifted by a file
    assert any("stays so" in warning for warning in again.warnings)


def test_an_import_cannot_give_a_sensitive_case_to_whoever_runs_it(tmp_path, people, refuge):
    """An administrator (no sensitive access) names the case, and themselves or an officer
    account they could sign in as, as its officer."""
    from cases.bulk.importer import import_file
    from tests.cases.test_bulk_import import HEADER, row, write

    def attempt(officer):
        rows = [row(episode_ref=refuge.reference, child_ref=refuge.child.reference,
                    forename="Lena", surname="Kowalska", date_of_birth="2015-02-04", upn="",
                    family_ref="", referral_date="2025-09-01", closed_date="",
                    closure_outcome="", allocated_officer=officer.username)]  # fmt: skip
        path = write(tmp_path, rows, header=[*HEADER, "allocated_officer"])
        return import_file(path, file_name=path.name, by=people["admin"])

    themselves = attempt(people["admin"])
    assert not themselves.imported
    assert "is not a known active CME officer or team manager" in themselves.errors[0]
    another = attempt(people["officer"])
    assert not another.imported
    assert ["sensitive family" in error for error in another.errors] == [True]
    refuge.refresh_from_db()
    assert refuge.allocated_officer == people["allocated"] and not refuge.is_open


def test_a_referral_ticked_sensitive_marks_the_open_case_it_joins(client, people):
    lena = ChildFactory(forename="Lena", surname="Kowalska", date_of_birth=D(2015, 2, 4),
                        family=FamilyFactory())  # fmt: skip
    open_case = EpisodeFactory(child=lena, allocated_officer=people["officer"],
                               referral_date=D(2026, 9, 1))  # fmt: skip
    client.force_login(people["officer"])
    check_page = client.post(
        reverse("referrals:new"), referral_data(**{"case-is_sensitive": "on"})
    ).url
    client.get(check_page)
    client.post(check_page, {"child-1": lena.pk, "family": "keep"})
    open_case.refresh_from_db()
    lena.refresh_from_db()
    assert open_case.is_sensitive and lena.is_sensitive and lena.family.is_sensitive


def test_a_referral_of_two_known_children_opens_the_sensitive_one_to_no_one_new(
    client, people, refuge
):
    """One of the referrer's own children with an open case, and the refuge family's child:
    working one family's case is no need to know of another's."""
    own = ChildFactory(forename="Dora", surname="Nistor", date_of_birth=D(2015, 4, 30),
                       family=FamilyFactory())  # fmt: skip
    EpisodeFactory(child=own, allocated_officer=people["officer"], referral_date=D(2026, 9, 1))
    data = referral_data(**second_child("Dora", "Nistor", D(2015, 4, 30)))
    client.force_login(people["officer"])
    check_page = client.post(reverse("referrals:new"), data).url
    client.get(check_page)
    client.post(check_page, {"child-1": refuge.child.pk, "child-2": own.pk, "family": "keep"})
    new = Episode.objects.get(child=refuge.child, status="OPEN")
    assert new.allocated_officer is None
    assert leaked(html_of(client, people["officer"], case_pages(new)[0])) == []


def test_a_referral_by_someone_without_need_to_know_adds_to_a_sensitive_family_ending_nothing(
    client, people, refuge
):
    sibling = EpisodeFactory(child=ChildFactory(family=refuge.child.family),
                             allocated_officer=people["allocated"])  # fmt: skip
    client.force_login(people["officer"])
    data = referral_data(**{"family-line_1": "9 Other Street", "family-postcode": "DB1 2AB",
                            "family-carer_name": "Kasia Other",
                            "family-carer_relationship": "Aunt"})  # fmt: skip
    check_page = client.post(reverse("referrals:new"), data).url
    client.get(check_page)
    client.post(check_page, {"child-1": refuge.child.pk, "family": "keep"})
    family = refuge.child.family
    refuge_address = family.addresses.get(line_1="12 Refuge Row")
    assert refuge_address.end_date is None  # still where the family lives, as far as we know
    shown = html_of(client, people["allocated"], case_pages(sibling)[0])
    address = shown[shown.index(">Address<") : shown.index("Every address recorded")]
    assert "12 Refuge Row" in address and "9 Other Street" not in address  # still the one shown
    added = family.addresses.get(line_1="9 Other Street")
    assert added.is_sensitive and family.carers.get(name="Kasia Other").is_sensitive
    for case in (refuge, sibling):
        assert Event.objects.filter(episode=case, verb="family.details_added").exists()
    history = html_of(client, people["allocated"], case_pages(sibling)[1])
    assert "Family&#x27;s carer or address added" in history and "9 Other Street" not in history


def test_the_admin_refuses_to_filter_events_on_what_they_say(client, people, refuge):
    client.force_login(people["admin"])
    url = reverse("admin:cases_event_changelist")
    for lookup in ("payload__made_to__icontains", "payload__area__iexact", "payload__icontains"):
        response = client.get(url, {"episode": refuge.pk, lookup: "Headteacher"})
        assert response.status_code == 400, lookup


def test_working_every_case_is_no_way_round_need_to_know(client, people, refuge):
    """A person given 'work every case' but not sensitive access still cannot open the forms
    of a sensitive case, which show what the case page withholds."""
    open_case = EpisodeFactory(child=ChildFactory(family=refuge.child.family))
    person = people["officer"]
    person.user_permissions.add(Permission.objects.get(codename="work_every_episode"))
    client.force_login(person)
    assert client.get(reverse("cases:edit", args=[open_case.pk])).status_code == 403
    ordinary = EpisodeFactory()
    assert client.get(reverse("cases:edit", args=[ordinary.pk])).status_code == 200


def test_a_sensitive_case_s_referrer_and_reason_are_withheld(client, people, refuge):
    from referrals.models import Referral, ReferralSource, ReferredChild

    referral = Referral.objects.create(
        source=ReferralSource.objects.get(code="SCHOOL"), received_on=D(2025, 9, 1),
        referrer_name="Head of Ashfield Primary School", reason="Seen at the refuge gate",
    )  # fmt: skip
    ReferredChild.objects.create(referral=referral, child=refuge.child, episode=refuge)
    html = html_of(client, people["officer"], case_pages(refuge)[0])
    assert referral.reference in html and leaked(html) == []
    assert "Seen at the refuge" in html_of(client, people["allocated"], case_pages(refuge)[0])


def test_an_import_cannot_reach_a_case_sensitive_through_its_family(tmp_path, people, refuge):
    """A brother's case, sensitive only through the family, named with a child of the file's
    own: refused (and an episode never moves to another child)."""
    from cases.bulk.importer import import_file
    from tests.cases.test_bulk_import import HEADER, row, write

    sibling = EpisodeFactory(child=ChildFactory(family=refuge.child.family))
    rows = [row(episode_ref=sibling.reference, child_ref="PROBE-1", upn="", family_ref="",
                closed_date="", closure_outcome="", allocated_officer=people["officer"].username,
                referral_date=sibling.referral_date.isoformat())]  # fmt: skip
    path = write(tmp_path, rows, header=[*HEADER, "allocated_officer"])
    for dry_run in (True, False):
        report = import_file(path, file_name=path.name, by=people["admin"], dry_run=dry_run)
        assert not report.imported
        assert any("sensitive family" in error for error in report.errors)
        assert any("is a case of another child" in error for error in report.errors)
    assert Episode.objects.get(pk=sibling.pk).allocated_officer is None


def test_the_admin_lists_answer_nothing_about_a_case(client, people, refuge):
    refuge.area = Area.objects.first()
    refuge.save()
    client.force_login(people["admin"])
    for url, lookup in [
        ("admin:cases_area_changelist", "episode"),
        ("admin:cases_area_changelist", "episode__in"),
        ("admin:cases_school_changelist", "name__icontains"),
        ("admin:core_user_changelist", "groups__permissions__codename"),
    ]:
        response = client.get(reverse(url), {lookup: refuge.pk})
        assert response.status_code == 400, (url, lookup)


def test_after_a_lift_an_address_kept_hidden_stays_hidden_from_whoever_takes_the_case(
    client, people, refuge
):
    sibling = EpisodeFactory(child=ChildFactory(family=refuge.child.family))
    client.force_login(people["manager"])
    client.post(reverse("cases:sensitivity_lift", args=[refuge.pk]), {"reason": "Rehoused"})
    client.force_login(people["officer"])
    sibling.refresh_from_db()
    response = client.post(reverse("cases:take", args=[sibling.pk]), {"version": sibling.version})
    sibling.refresh_from_db()
    assert sibling.allocated_officer == people["officer"], response
    html = html_of(client, people["officer"], case_pages(sibling)[0])
    assert "12 Refuge Row" not in html and "Hidden: sensitive case" in html
    assert AccessLogEntry.objects.filter(episode=sibling, user=people["officer"]).exists()
    assert "12 Refuge Row" in html_of(client, people["manager"], case_pages(sibling)[0])
