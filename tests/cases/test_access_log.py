"""Every look at a sensitive case is in the access log, once per request, on every page, form,
download, export and admin screen that opens it; History keeps to changes."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases import services
from cases.models import AccessLogEntry, ClosureOutcome, ClosureProposal, EnquiryType, Event
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory, SchoolFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def manager(db):
    return _user_with_role(roles.TEAM_MANAGER)


@pytest.fixture
def sensitive(manager):
    officer = _user_with_role(roles.CME_OFFICER)
    episode = EpisodeFactory(
        child=ChildFactory(family=FamilyFactory()), allocated_officer=officer,
        last_school=SchoolFactory(), removal_from_roll_authorised_on=D(2024, 10, 9),
        removal_from_roll_authorised_by=manager,
    )  # fmt: skip
    episode.removal_from_roll_school = episode.last_school
    episode.save()
    services.sensitivity_mark(episode=episode, by=officer)
    [enquiry] = services.enquiry_add(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=D(2024, 10, 8), by=officer,
    )  # fmt: skip
    proposal = ClosureProposal.objects.create(
        episode=episode, outcome=ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED"),
        closed_on=D(2024, 11, 1), proposed_by=officer,
    )  # fmt: skip
    return episode, enquiry, proposal


def pages(episode, enquiry, proposal):
    pk = episode.pk
    event = Event.objects.filter(episode=episode).first()
    return [
        reverse("cases:detail", args=[pk]),
        reverse("cases:history", args=[pk]),
        reverse("cases:access_log", args=[pk]),
        reverse("cases:edit", args=[pk]),
        reverse("cases:enquiry_add", args=[pk]),
        reverse("cases:enquiry_complete", args=[pk, enquiry.pk]),
        reverse("cases:close", args=[pk]),
        reverse("cases:closure_decide", args=[pk, proposal.pk]),
        reverse("cases:allocate", args=[pk]),
        reverse("cases:removal_from_roll", args=[pk]),
        reverse("cases:removal_from_roll_letter", args=[pk]),
        reverse("cases:sensitivity_lift", args=[pk]),
        reverse("admin:cases_event_change", args=[event.pk]),
    ]


def test_each_page_that_opens_a_sensitive_case_writes_one_row(client, manager, sensitive):
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(*Permission.objects.filter(codename="view_event"))  # the admin
    episode = sensitive[0]
    client.force_login(manager)
    for url in pages(*sensitive):
        before = AccessLogEntry.objects.count()
        response = client.get(url, REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 200, url
        assert AccessLogEntry.objects.count() - before == 1, url
        row = AccessLogEntry.objects.latest("pk")
        assert (row.user, row.episode, row.page, row.client_address, row.details_shown) == (
            manager,
            episode,
            url,
            "10.1.2.3",
            True,
        ), url
    assert not Event.objects.filter(episode=episode, verb="episode.viewed").exists()


def test_a_look_that_is_refused_or_masked_is_logged_as_not_shown(client, sensitive):
    episode = sensitive[0]
    head, officer = _user_with_role(roles.HEAD_OF_SERVICE), _user_with_role(roles.CME_OFFICER)
    client.force_login(head)
    client.get(reverse("cases:detail", args=[episode.pk]))
    client.force_login(officer)
    assert client.get(reverse("cases:edit", args=[episode.pk])).status_code == 403
    looks = AccessLogEntry.objects.order_by("pk")
    assert [(e.user, e.details_shown) for e in looks] == [(head, False), (officer, False)]


def test_managers_see_who_has_looked_and_officers_do_not(client, manager, sensitive):
    episode = sensitive[0]
    officer = episode.allocated_officer
    client.force_login(officer)
    client.get(reverse("cases:detail", args=[episode.pk]))
    assert client.get(reverse("cases:access_log", args=[episode.pk])).status_code == 403
    client.force_login(manager)
    html = client.get(reverse("cases:access_log", args=[episode.pk])).content.decode()
    assert str(officer) in html and f"/cases/{episode.pk}/" in html


def test_administrators_search_the_log_by_person_case_and_date(client, sensitive):
    episode = sensitive[0]
    other = EpisodeFactory(child=ChildFactory(family=FamilyFactory()), is_sensitive=True)
    services.sensitivity_mark(episode=other, by=None)
    looker = _user_with_role(roles.CME_OFFICER, username="lookalot")
    client.force_login(looker)
    client.get(reverse("cases:detail", args=[episode.pk]))
    client.get(reverse("cases:detail", args=[other.pk]))
    admin = _user_with_role(roles.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    changelist = reverse("admin:cases_accesslogentry_changelist")
    by_case = client.get(changelist, {"q": other.reference}).content.decode()
    assert f"/cases/{other.pk}/" in by_case and f"/cases/{episode.pk}/" not in by_case
    by_person = client.get(changelist, {"q": "lookalot"}).content.decode()
    assert by_person.count("lookalot") >= 2
    today = datetime.date.today()
    by_date = client.get(changelist, {"viewed_at__day": today.day, "viewed_at__month":
                                      today.month, "viewed_at__year": today.year})  # fmt: skip
    assert by_date.status_code == 200 and f"/cases/{other.pk}/" in by_date.content.decode()
    assert client.get(reverse("admin:cases_accesslogentry_add")).status_code == 403


def test_an_ordinary_case_writes_nothing(client, manager):
    episode = EpisodeFactory()
    client.force_login(manager)
    client.get(reverse("cases:detail", args=[episode.pk]))
    client.get(reverse("cases:history", args=[episode.pk]))
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # no proxy trusted: what the server saw
        (["10.0.0.1"], "10.0.0.1", "203.0.113.9", "203.0.113.9"),  # the proxy's word
        (["10.0.0.0/24"], "10.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the
        # client wrote the first itself
        (["10.0.0.1", "10.0.1.0/24"], "10.0.0.1", "198.51.100.1, 10.0.1.7", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "not an address", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "192.0.2.50", "203.0.113.9", "192.0.2.50"),  # not from the proxy: a
        # client's own header is not believed
        (["10.0.0.1", "10.0.0.2"], "10.0.0.1", "10.0.0.2", "10.0.0.2"),  # only proxies: the
        # last one is as far as it goes
        (["2001:db8::/32"], "2001:db8::1", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_the_client_address_behind_trusted_proxies(
    rf, settings, proxies, remote, forwarded, expected
):
    from cme_tracker.core.http import client_address

    settings.CME_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize("entry", ["1", "2", "proxy.example", "10.0.0.300"])
def test_a_trusted_proxy_that_is_not_an_address_is_refused_naming_it(entry):
    from django.core.exceptions import ImproperlyConfigured

    from cme_tracker.core.http import proxy_networks

    with pytest.raises(ImproperlyConfigured, match=f'"{entry}" is not an address or network'):
        proxy_networks(["10.0.0.1", entry])
