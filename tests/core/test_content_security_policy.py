"""Every response carries a strict content security policy, and every inline script on a page
carries that response's nonce (the browser tests fail on any violation the browser reports)."""

import re

import pytest
from django.urls import reverse

from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

REQUIRED = {
    "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'",
    "default-src": "'self'", "style-src": "'self'", "form-action": "'self'",
}  # fmt: skip


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


def check(response):
    directives = policy(response)
    for name, value in REQUIRED.items():
        assert directives.get(name) == value, (name, directives)
    script = directives["script-src"].split()
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'unsafe-inline'" not in directives["style-src"]
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        nonces = {token[len("'nonce-") : -1] for token in script if token.startswith("'nonce-")}
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        for attributes in inline:
            found = re.search(r'nonce="([^"]+)"', attributes)
            assert found and found.group(1) in nonces, attributes
        assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
        assert not re.search(r"\sstyle=", html), "an inline style"


def test_pages_signed_out_carry_the_policy(client):
    client.raise_request_exception = False
    for address in ["/sign-in/", "/healthz", "/no-such-page/", "/cases/"]:
        check(client.get(address))


def test_pages_signed_in_carry_the_policy_with_a_fresh_nonce(client, manager, head_of_service):
    episode = EpisodeFactory()
    client.raise_request_exception = False
    client.force_login(manager)
    addresses = ["/", "/cases/", f"/cases/{episode.pk}/", f"/cases/{episode.pk}/history/",
                 "/cases/import/", "/referrals/new/", "/cases/cases.csv", "/cases/999999/",
                 reverse("cases:allocate", args=[episode.pk])]  # fmt: skip
    for address in addresses:
        check(client.get(address))
    client.force_login(head_of_service)
    for address in ["/reports/scorecard/", "/reports/caseload/", "/reports/dfe-return/",
                    "/reports/scorecard/?year=nonsense", "/cases/import/"]:  # fmt: skip
        check(client.get(address))
    first, second = (policy(client.get("/reports/scorecard/"))["script-src"] for _ in "ab")
    assert first != second  # a nonce is used once


def test_the_admin_carries_the_policy(client, administrator):
    client.force_login(administrator)
    for address in ["/admin/", "/admin/core/user/", "/admin/core/user/add/"]:
        response = client.get(address)
        assert response.status_code == 200, address
        directives = policy(response)
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
