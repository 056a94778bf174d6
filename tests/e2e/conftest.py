"""Browser tests: Playwright for Python driving Debian's Chromium against a live server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group

from cme_tracker.core import roles
from tests.conftest import load_reference_data
from tests.core.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the tests' own database
# set-up is ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "a-test-password-1"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM} for the browser tests")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    }  # fmt: skip


@pytest.fixture
def page(page):
    """Every browser test's page, failing the test on any content security policy violation
    the browser reports (Chromium logs each to the console)."""
    violations = []

    def heard(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in (message.text):
            violations.append(f"{page.url}: {message.text}")

    page.on("console", heard)
    yield page
    assert not violations, "\n".join(violations)


@pytest.fixture
def people(transactional_db):
    load_reference_data()

    def person(username, first, last, role):
        user = UserFactory(username=username, first_name=first, last_name=last)
        user.groups.add(Group.objects.get(name=role))
        return user

    return {
        "officer": person("officer", "Sam", "Taylor", roles.CME_OFFICER),
        "manager": person("manager", "Jo", "Walker", roles.TEAM_MANAGER),
    }


class Journey:
    """A person's session in the browser, with an accessibility check on each page."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.checked: list[str] = []

    def go(self, path):
        self.page.goto(self.base_url + path)

    def sign_in(self, username):
        self.go("/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()

    def check_accessibility(self):
        """No serious or critical axe-core violations on the page as it stands, and no error
        summary link to an element that is not there."""
        results = self.axe.run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{self.page.url}: " + "; ".join(bad)
        # Every link in an error summary lands on an element that exists.
        dangling = self.page.evaluate(
            """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
                     .map(a => a.getAttribute('href').slice(1))
                     .filter(id => !document.getElementById(id))"""
        )
        assert not dangling, f"{self.page.url}: error summary links to nothing: {dangling}"
        self.checked.append(self.page.url)


@pytest.fixture
def journey(page, live_server):
    page.set_default_timeout(15_000)
    return Journey(page, live_server.url)
