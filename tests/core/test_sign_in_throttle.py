"""Failed sign-ins are throttled per username (a progressive wait, never a long shut-out) and
per client address (spraying usernames stops); the address is the client's own only behind
a configured proxy; administrators see and clear the attempts; each refusal is logged."""

import datetime as dt
import logging

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-test-password-1"
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
PROXY = "10.0.0.1"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(client, username, password, address="192.0.2.10", forwarded=None):
    """Sign in from a client address (directly, or through the proxy when ``forwarded``),
    signed out first as a browser would be: its other cookies kept."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def test_five_wrong_passwords_pause_the_username_for_thirty_seconds(client, officer, clock):
    for _ in range(4):
        assert sign_in(client, officer.username, "wrong").status_code == 200
    fifth = sign_in(client, officer.username, "wrong")
    assert fifth.status_code == 429
    refused = sign_in(client, officer.username, PASSWORD)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Sign-in is paused for this account" in html and "Try again in 30 seconds" in html
    clock.shift(dt.timedelta(seconds=31))
    assert signed_in(sign_in(client, officer.username, PASSWORD))


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(client, officer, clock):
    for _ in range(5):
        sign_in(client, officer.username, "wrong")
    waits = []
    for _ in range(8):
        html = sign_in(client, officer.username, "wrong").content.decode()
        waits.append(html.split("Try again in ")[1].split(".")[0])
        clock.shift(dt.timedelta(minutes=16))  # past any wait: the next try is counted
    # The first try is refused within the fifth failure's 30 seconds; each later one is
    # counted, and doubles the wait, to 15 minutes and no more.
    assert waits == ["30 seconds", "1 minute", "2 minutes", "4 minutes", "8 minutes",
                     "15 minutes", "15 minutes", "15 minutes"]  # fmt: skip
    assert signed_in(sign_in(client, officer.username, PASSWORD))  # after the wait, in


def test_the_wait_grows_with_failures_and_tries_while_waiting_do_not_count(client, officer, clock):
    for _ in range(5):
        sign_in(client, officer.username, "wrong")  # paused 30 seconds
    for _ in range(20):
        assert sign_in(client, officer.username, "wrong").status_code == 429  # not counted
    clock.shift(dt.timedelta(seconds=31))
    sixth = sign_in(client, officer.username, "wrong")
    assert "Try again in 1 minute" in sixth.content.decode()
    clock.shift(dt.timedelta(seconds=61))
    seventh = sign_in(client, officer.username, "wrong")
    assert "Try again in 2 minutes" in seventh.content.decode()
    clock.shift(dt.timedelta(minutes=2, seconds=1))
    assert signed_in(sign_in(client, officer.username, PASSWORD))


def test_a_colleague_behind_the_same_proxy_pauses_only_the_username_not_the_office(
    client, officer, manager, settings, clock
):
    settings.CME_TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        sign_in(client, officer.username, "wrong", forwarded="198.51.100.7")
    assert sign_in(client, officer.username, PASSWORD, forwarded="198.51.100.8").status_code == (
        429
    )
    assert signed_in(sign_in(client, manager.username, PASSWORD, forwarded="198.51.100.7"))


def test_spraying_usernames_from_one_address_refuses_that_address(client, officer, clock):
    for number in range(20):
        sign_in(client, f"nobody{number}", "guess", address="203.0.113.9")
    refused = sign_in(client, officer.username, PASSWORD, address="203.0.113.9")
    assert refused.status_code == 429
    assert "Sign-in is paused from this network" in refused.content.decode()
    assert "Try again in 15 minutes" in refused.content.decode()
    assert signed_in(sign_in(client, officer.username, PASSWORD, address="192.0.2.99"))
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    assert signed_in(sign_in(client, officer.username, PASSWORD, address="203.0.113.9"))


def test_fewer_failures_than_the_limit_from_an_address_refuse_nothing(client, officer, clock):
    for number in range(19):
        sign_in(client, f"nobody{number}", "guess", address="203.0.113.9")
    assert signed_in(sign_in(client, officer.username, PASSWORD, address="203.0.113.9"))


def test_a_forged_forwarded_header_does_not_escape_the_address_limit(
    client, officer, settings, clock
):
    settings.CME_TRUSTED_PROXIES = [PROXY]
    for number in range(20):  # straight to the server, each claiming another address
        forged = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": f"198.51.100.{number}"}
        client.post(reverse("login"), {"username": f"nobody{number}", "password": "x"}, **forged)
    assert sign_in(client, officer.username, PASSWORD, address="203.0.113.9").status_code == 429


def test_behind_the_proxy_each_client_is_limited_on_its_own(client, officer, settings, clock):
    settings.CME_TRUSTED_PROXIES = [PROXY]
    for number in range(20):
        sign_in(client, f"nobody{number}", "guess", forwarded="203.0.113.9")
    assert sign_in(client, officer.username, PASSWORD, forwarded="203.0.113.9").status_code == (429)
    assert signed_in(sign_in(client, officer.username, PASSWORD, forwarded="198.51.100.3"))


def test_every_refusal_that_begins_is_logged_without_the_typed_username(
    client, officer, caplog, clock
):
    caplog.set_level(logging.WARNING, logger="cme_tracker.sign_in")
    for _ in range(5):
        sign_in(client, officer.username, "wrong", address="192.0.2.10")
    for number in range(20):
        sign_in(client, f"secret-typed-{number}", "guess", address="203.0.113.9")
    lines = [r.getMessage() for r in caplog.records if r.name == "cme_tracker.sign_in"]
    assert (
        f"sign-in refused for user {officer.pk} for 30 seconds after 5 failures in a row "
        "(from address 192.0.2.10)"
    ) in lines
    assert (
        "sign-in refused from address 203.0.113.9 for 15 minutes after 20 usernames failed in 15 "
        "minutes"
    ) in lines
    assert len(lines) == 2  # tries while refused are not new refusals
    assert not any("secret-typed" in r.getMessage() or "wrong" in r.getMessage()
                   for r in caplog.records)  # fmt: skip


def test_an_administrator_sees_and_clears_the_attempts(client, officer, administrator, clock):
    for _ in range(9):
        clock.shift(dt.timedelta(minutes=16))
        sign_in(client, officer.username, "wrong")
    assert sign_in(client, officer.username, PASSWORD).status_code == 429
    client.force_login(administrator)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and officer.username in listing.content.decode()
    from axes.models import AccessAttempt

    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    confirm = client.post(reverse("admin:axes_accessattempt_changelist"),
                          {"action": "delete_selected", "_selected_action": ids})  # fmt: skip
    assert confirm.status_code == 200
    client.post(reverse("admin:axes_accessattempt_changelist"),
                {"action": "delete_selected", "_selected_action": ids, "post": "yes"})  # fmt: skip
    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in(client, officer.username, PASSWORD))


@pytest.mark.parametrize("role", ["officer", "manager", "head_of_service"])
def test_no_other_role_sees_the_attempts(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code in (302, 403)


def test_a_right_password_clears_the_failures(client, officer, clock):
    for _ in range(4):
        sign_in(client, officer.username, "wrong")
    assert signed_in(sign_in(client, officer.username, PASSWORD))
    for _ in range(4):
        sign_in(client, officer.username, "wrong")
    assert signed_in(sign_in(client, officer.username, PASSWORD))  # the count began again


def test_someone_without_an_account_is_throttled_the_same_way(client, clock):
    UserFactory(username="real")
    for _ in range(5):
        sign_in(client, "ghost", "guess")
    assert "Sign-in is paused for this account" in sign_in(client, "ghost", "x").content.decode()


def test_a_sign_in_address_carrying_code_and_state_is_throttled_like_any_other(client, officer):
    """Single sign-on's backend acts only on its own callback: a password sign-in whose
    address carries ?code=&state= is an ordinary sign-in, counted and paused."""
    address = reverse("login") + "?code=x&state=y"
    client.raise_request_exception = False
    for _ in range(4):
        response = client.post(address, {"username": officer.username, "password": "wrong"})
        assert response.status_code == 200
    assert client.post(address, {"username": officer.username, "password": "x"}).status_code == 429
    assert client.post(
        address, {"username": officer.username, "password": PASSWORD}
    ).status_code == (429)


def test_one_stale_password_failing_all_day_does_not_pause_the_office(client, officer, clock):
    for _ in range(40):  # a phone with an old saved password, retrying
        sign_in(client, "old.phone", "stale", address="203.0.113.9")
        clock.shift(dt.timedelta(minutes=16))
    assert signed_in(sign_in(client, officer.username, PASSWORD, address="203.0.113.9"))


def test_the_owner_s_own_browser_passes_a_pause_a_colleague_caused(client, officer, clock):
    from django.test import Client

    assert signed_in(sign_in(client, officer.username, PASSWORD))  # the owner's browser
    colleague = Client()
    for _ in range(12):
        clock.shift(dt.timedelta(minutes=16))
        sign_in(colleague, officer.username, "guess", address="192.0.2.77")
    assert sign_in(colleague, officer.username, PASSWORD, address="192.0.2.77").status_code == 429
    assert signed_in(sign_in(client, officer.username, PASSWORD))  # the owner: straight in
    assert sign_in(colleague, officer.username, PASSWORD, address="192.0.2.77").status_code == (
        302  # and signing in cleared the failures
    )
    from cme_tracker.core.throttle import KNOWN_BROWSER

    assert sign_in(client, officer.username, "typo").status_code == 200
    assert client.cookies[KNOWN_BROWSER].value == ""  # a wrong password takes the cookie away
