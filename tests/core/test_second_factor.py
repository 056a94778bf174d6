"""Signing in takes a password and then a code from an authenticator app (or a recovery code):
a session with a password alone reaches no case page; a code is good once and only for its
moment; recovery codes work once each; every change to it is recorded.

Codes are made here from the key the set-up page shows, by RFC 6238 written out in this file
(not django-otp's own code)."""

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cme_tracker.core.models import AccountChange
from tests.cases.factories import EpisodeFactory
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-test-password-1"
START = dt.datetime(2026, 12, 1, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def required(settings):
    settings.CME_MFA_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def totp(key: bytes, at: dt.datetime) -> str:
    """RFC 6238: HMAC-SHA-1 over the 30-second step, dynamically truncated to 6 digits."""
    counter = int(at.timestamp()) // 30
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in_with_password(client, user):
    client.logout()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def set_up_app(client, user, now) -> tuple[bytes, list[str]]:
    """Set up the app as its owner would: read the key off the page, send the code."""
    sign_in_with_password(client, user)
    page = client.get(reverse("set_up_app")).content.decode()
    key = re.search(r'<code class="cme-key">([A-Z2-7 ]+)</code>', page).group(1)
    secret = base64.b32decode(key.replace(" ", ""))
    done = client.post(reverse("set_up_app"), {"code": totp(secret, now)})
    assert done.status_code == 200, done.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", done.content.decode())
    return secret, codes


CASE_PAGES = ["/", "/cases/", "/cases/{pk}/", "/cases/{pk}/history/", "/referrals/new/",
              "/reports/scorecard/", "/reports/caseload/", "/cases/cases.csv", "/admin/",
              "/account/sign-in-security/"]  # fmt: skip


def test_a_password_alone_reaches_no_case_page(client, manager):
    episode = EpisodeFactory()
    sign_in_with_password(client, manager)
    for address in CASE_PAGES:
        response = client.get(address.format(pk=episode.pk))
        assert response.status_code == 302, address
        assert response.url.startswith(reverse("set_up_app") + "?next="), address


def test_once_set_up_a_password_alone_is_asked_for_the_code(client, officer, clock):
    set_up_app(client, officer, START)
    sign_in_with_password(client, officer)
    response = client.get("/cases/")
    assert response.url == reverse("sign_in_code") + "?next=%2Fcases%2F"
    assert client.get(reverse("set_up_app")).status_code == 302  # no second app, unverified


def test_setting_up_the_app_then_signing_in_with_a_code(client, officer, clock):
    secret, codes = set_up_app(client, officer, START)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/cases/").status_code == 200  # verified by setting it up
    clock.shift(dt.timedelta(minutes=5))
    sign_in_with_password(client, officer)
    now = START + dt.timedelta(minutes=5)
    response = client.post(reverse("sign_in_code") + "?next=/cases/", {"code": totp(secret, now)})
    assert response.url == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_code_already_used_is_refused(client, officer, clock):
    secret, _ = set_up_app(client, officer, START)
    clock.shift(dt.timedelta(seconds=60))
    code = totp(secret, START + dt.timedelta(seconds=60))
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_code"), {"code": code}).status_code == 302
    sign_in_with_password(client, officer)  # someone who saw it, seconds later
    clock.shift(dt.timedelta(seconds=2))
    replay = client.post(reverse("sign_in_code"), {"code": code})
    assert replay.status_code == 400
    assert "The security code is wrong or has expired" in replay.content.decode()
    assert client.get("/cases/").status_code == 302


def test_an_expired_code_is_refused(client, officer, clock):
    secret, _ = set_up_app(client, officer, START)
    clock.shift(dt.timedelta(minutes=10))
    sign_in_with_password(client, officer)
    old = totp(secret, START + dt.timedelta(minutes=8))  # two minutes old
    response = client.post(reverse("sign_in_code"), {"code": old})
    assert response.status_code == 400
    assert "wrong or has expired" in response.content.decode()


def test_wrong_codes_slow_the_next_try(client, officer, clock):
    secret, _ = set_up_app(client, officer, START)
    clock.shift(dt.timedelta(minutes=1))
    now = START + dt.timedelta(minutes=1)
    sign_in_with_password(client, officer)
    for wrong in ("000000", "111111", "222222"):
        client.post(reverse("sign_in_code"), {"code": wrong})
    right = totp(secret, now)
    assert client.post(reverse("sign_in_code"), {"code": right}).status_code == 400  # too soon
    clock.shift(dt.timedelta(seconds=5))
    assert client.post(reverse("sign_in_code"), {"code": totp(secret, now)}).status_code == 302


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the 6-digit security code from your app"),
    ("12345", "Enter the security code as 6 digits, like 123456"),
    ("abcdef", "Enter the security code as 6 digits, like 123456"),
])  # fmt: skip
def test_a_code_that_is_not_six_digits_says_so(client, officer, clock, typed, message):
    set_up_app(client, officer, START)
    sign_in_with_password(client, officer)
    response = client.post(reverse("sign_in_code"), {"code": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html


def test_a_recovery_code_works_once(client, officer, clock):
    _, codes = set_up_app(client, officer, START)
    sign_in_with_password(client, officer)
    used = client.post(reverse("sign_in_recovery") + "?next=/cases/", {"code": codes[0]})
    assert used.url == "/cases/"
    assert "You have 9 left" in client.get("/cases/").content.decode()
    sign_in_with_password(client, officer)
    again = client.post(reverse("sign_in_recovery"), {"code": codes[0]})
    assert again.status_code == 400 and "wrong or has been used" in again.content.decode()
    clock.shift(dt.timedelta(seconds=2))  # a wrong code slows the next try
    typed_loosely = client.post(reverse("sign_in_recovery"), {"code": codes[1].upper()})
    assert typed_loosely.status_code == 302


def test_new_recovery_codes_replace_the_old(client, officer, clock):
    _, old = set_up_app(client, officer, START)
    page = client.post(reverse("replace_recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_recovery"), {"code": old[2]}).status_code == 400
    clock.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("sign_in_recovery"), {"code": new[2]}).status_code == 302


def test_the_database_holds_no_recovery_code_that_works(client, officer, clock):
    """Someone who reads the table (or a backup of it) finds no code they could type."""
    from django_otp.plugins.otp_static.models import StaticToken

    _, codes = set_up_app(client, officer, START)
    stored = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    typed = {code.replace("-", "") for code in codes}
    assert len(stored) == 10 and not typed & set(stored)
    assert all(re.fullmatch(r"[0-9a-f]{16}", token) for token in stored)
    sign_in_with_password(client, officer)
    copied = client.post(reverse("sign_in_recovery"), {"code": stored[0]})
    assert copied.status_code == 400 and "wrong or has been used" in copied.content.decode()
    clock.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("sign_in_recovery"), {"code": codes[0]}).status_code == 302


def test_a_wrong_recovery_code_makes_the_next_wait_even_for_a_right_one(client, officer, clock):
    _, codes = set_up_app(client, officer, START)
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_recovery"), {"code": "aaaa-aaaa"}).status_code == 400
    too_soon = client.post(reverse("sign_in_recovery"), {"code": codes[0]})
    assert too_soon.status_code == 400
    clock.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("sign_in_recovery"), {"code": codes[0]}).status_code == 302


def test_recovery_codes_outlive_a_new_secret_key_while_the_old_is_a_fallback(
    client, officer, clock, settings
):
    _, codes = set_up_app(client, officer, START)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_recovery"), {"code": codes[0]}).status_code == 302
    settings.SECRET_KEY_FALLBACKS = []  # the old key dropped: its codes go with it
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_recovery"), {"code": codes[1]}).status_code == 400


def test_codes_stored_before_hashing_keep_working_once_migrated(client, officer, clock):
    """An installation upgraded from a version that kept the codes as themselves."""
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    _, codes = set_up_app(client, officer, START)
    device = StaticDevice.objects.get(user=officer)
    device.token_set.all().delete()
    StaticToken.objects.create(device=device, token="abcd2345")  # as version 0004 kept it
    migration = importlib.import_module("cme_tracker.core.migrations.0005_recovery_codes_hashed")
    migration.hash_stored_codes(apps, None)
    migration.hash_stored_codes(apps, None)  # a second run changes nothing
    assert device.token_set.get().token != "abcd2345"
    sign_in_with_password(client, officer)
    assert client.post(reverse("sign_in_recovery"), {"code": "abcd-2345"}).status_code == 302


def test_every_change_is_recorded_and_an_administrator_can_reset_it(
    client, officer, administrator, clock
):
    _, codes = set_up_app(client, officer, START)
    sign_in_with_password(client, officer)
    client.post(reverse("sign_in_recovery"), {"code": codes[0]})
    admin = Client()
    set_up_app(admin, administrator, START)
    reset = {"action": "reset_second_factor", "_selected_action": [officer.pk]}
    done = admin.post(reverse("admin:core_user_changelist"), reset)
    assert done.status_code == 302
    changes = [(c.actor_id, c.changes["second factor"][1])
               for c in AccountChange.objects.filter(user=officer).order_by("pk")]  # fmt: skip
    assert changes == [(officer.pk, "authenticator app set up"),
                       (officer.pk, "recovery code used"),
                       (administrator.pk, "second factor reset")]  # fmt: skip
    assert client.post(reverse("sign_in_recovery"), {"code": codes[1]}).status_code == 400
    sign_in_with_password(client, officer)
    assert client.get("/cases/").url.startswith(reverse("set_up_app"))  # set up again


def test_demo_sign_ins_may_skip_it_where_the_setting_says(client, settings):
    settings.CME_MFA_SKIPPED_FOR = "demo.loader.is_demo_user"
    from django.contrib.auth.models import Group

    from cme_tracker.core import roles

    demo = UserFactory(username="officer")
    other = UserFactory(username="someone")
    for user in (demo, other):
        user.groups.add(Group.objects.get(name=roles.CME_OFFICER))
    sign_in_with_password(client, demo)
    assert client.get("/cases/").status_code == 200
    sign_in_with_password(client, other)
    assert client.get("/cases/").status_code == 302


def test_production_never_skips_it():
    from cme_tracker.settings import base

    assert base.CME_MFA_REQUIRED is True and base.CME_MFA_SKIPPED_FOR == ""


def test_a_code_page_does_not_send_you_off_the_site(client, officer, clock):
    secret, _ = set_up_app(client, officer, START)
    clock.shift(dt.timedelta(minutes=1))
    sign_in_with_password(client, officer)
    response = client.post(reverse("sign_in_code") + "?next=https://evil.example/",
                           {"code": totp(secret, START + dt.timedelta(minutes=1))})  # fmt: skip
    assert response.url == reverse("home")


def every_address(patterns=None, prefix=""):
    """Every address in the project, with 1 for each value a pattern takes."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = re.sub(r"<[^>]+>", "1", str(entry.pattern)).lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from every_address(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def test_no_address_but_the_sign_in_steps_is_open_to_a_password_alone(client, manager):
    from cme_tracker.core.middleware import SecondFactorRequired

    EpisodeFactory()
    sign_in_with_password(client, manager)
    client.raise_request_exception = False
    addresses = sorted(set(every_address()))
    assert len(addresses) > 60
    for address in addresses:
        if address.startswith(SecondFactorRequired.OPEN):
            continue
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code == 302, (address, response.status_code)
            assert response.url.startswith(reverse("set_up_app")), address


def test_each_session_sets_up_its_own_key_and_only_it_is_kept(client, officer, clock):
    """Someone with only the password cannot read the key the owner is setting up."""
    intruder = Client()
    sign_in_with_password(intruder, officer)
    theirs = re.search(r'<code class="cme-key">([A-Z2-7 ]+)</code>',
                       intruder.get(reverse("set_up_app")).content.decode()).group(1)  # fmt: skip
    secret, _ = set_up_app(client, officer, START)
    assert base64.b32encode(secret).decode() != theirs.replace(" ", "")
    stolen = base64.b32decode(theirs.replace(" ", ""))
    clock.shift(dt.timedelta(minutes=1))
    sign_in_with_password(intruder, officer)
    later = START + dt.timedelta(minutes=1)
    assert intruder.post(reverse("sign_in_code"), {"code": totp(stolen, later)}).status_code == 400
    assert intruder.get("/cases/").status_code == 302
