"""403, 404 and 500 are GOV.UK pages with a way back; while the database cannot be reached a
signed-in page is a 503 "service unavailable", never a 500 or a traceback."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


def test_refused_and_missing_pages_are_gov_uk_pages(client, officer):
    client.force_login(officer)
    refused = client.get(reverse("cases:allocate", args=[EpisodeFactory().pk]))
    missing = client.get("/cases/999999/")
    for response, heading in [(refused, "You cannot see or do this"), (missing, "Page not found")]:
        html = response.content.decode()
        assert heading in html and "govuk-header" in html and "Go to your caseload" in html


@override_settings(DEBUG=False)
def test_an_unexpected_error_is_a_gov_uk_page(officer, monkeypatch):
    from cases import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "caseload_summary", broken)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html and "boom" not in html


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/", "/cases/"])
def test_a_signed_in_page_while_the_database_is_unreachable_is_a_503(officer, path):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    reachable = connection.settings_dict
    connection.close()
    connection.settings_dict = {**reachable, "HOST": "/nonexistent-socket-dir"}  # a real refusal
    try:
        response = client.get(path)
    finally:
        connection.close()
        connection.settings_dict = reachable
    html = response.content.decode()
    assert response.status_code == 503, html[:300]
    assert "Sorry, the service is unavailable" in html and "Traceback" not in html
    assert response["Retry-After"] == "60"


def test_a_refused_page_is_one_log_line_without_a_traceback(client, officer, capsys):
    import logging

    from cme_tracker.core.logging import NoTracebackForRefusals

    handler = logging.StreamHandler()
    handler.addFilter(NoTracebackForRefusals())
    records = []
    handler.emit = lambda record: records.append(handler.format(record))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(officer)
        client.get(reverse("cases:allocate", args=[EpisodeFactory().pk]))
    finally:
        logger.removeHandler(handler)
    assert any("Forbidden" in line for line in records)
    assert not any("Traceback" in line for line in records)
