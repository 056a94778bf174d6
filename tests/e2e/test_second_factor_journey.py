"""Multi-factor sign-in in Chromium: an officer sets up an authenticator app from the key on
the page, signs in with a code, sees a replayed code refused, and signs in with a recovery
code. Every page on the way is checked with axe-core, under the content security policy."""

import base64
import datetime
import re
import time

import pytest
from playwright.sync_api import expect

from tests.core.test_second_factor import totp

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(autouse=True)
def required(settings):
    settings.CME_MFA_REQUIRED = True


def now():
    return datetime.datetime.now(datetime.UTC)


def test_setting_up_and_signing_in_with_a_code_and_a_recovery_code(journey, people):
    page = journey.page
    journey.sign_in("officer")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_alt_text("A QR code holding the key shown below it")).to_be_visible()
    journey.check_accessibility()
    key = page.locator("code.cme-key").inner_text()
    secret = base64.b32decode(key.replace(" ", ""))

    page.get_by_role("button", name="Continue").click()  # nothing typed
    expect(page.get_by_role("link", name="Enter the 6-digit security code from your app"))
    journey.check_accessibility()
    page.get_by_label("Enter the code from your app").fill(totp(secret, now()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    journey.check_accessibility()
    codes = re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator(".cme-recovery-codes").inner_text())
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    # Next time: the password, then a code from the app (one step on from the one used).
    journey.sign_out()
    journey.sign_in("officer")
    expect(page.get_by_role("heading", name="Enter the security code")).to_be_visible()
    journey.check_accessibility()
    code = totp(secret, now() + datetime.timedelta(seconds=30))
    page.get_by_label("Enter the security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    # The same code again, as someone who saw it typed would: refused.
    journey.sign_out()
    journey.sign_in("officer")
    page.get_by_label("Enter the security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("wrong or has expired")
    journey.check_accessibility()
    time.sleep(1.1)  # a wrong code slows the next try by a second

    # The phone is not to hand: a recovery code, once.
    page.get_by_role("link", name="I cannot use my authenticator app").click()
    journey.check_accessibility()
    page.get_by_label("Enter a recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_text("You have 9 left")).to_be_visible()
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_text("9 of 10")).to_be_visible()
    journey.check_accessibility()
