"""RAG ratings from targets, and the head of service's commentary."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.models import Commentary, IndicatorTarget
from reports.scorecard import scorecard
from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "polarity, value, rag",
    [
        ("lower", 90, "green"), ("lower", 100, "green"), ("lower", 110, "amber"),
        ("lower", 121, "red"), ("higher", 100, "green"), ("higher", 95, "amber"),
        ("higher", 79, "red"), ("info", 500, None),
    ],
)  # fmt: skip
def test_rag(polarity, value, rag):
    amber = Decimal(120) if polarity == "lower" else Decimal(80)
    target = IndicatorTarget(
        indicator="6", polarity=polarity, target=Decimal(100), amber_limit=amber
    )
    assert target.rag(value) == rag


def test_the_database_refuses_an_amber_limit_on_the_wrong_side():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorTarget.objects.create(indicator="6", polarity="lower", target=100, amber_limit=90)


def test_scorecard_rows_carry_the_rating():
    EpisodeFactory(referral_date=datetime.date(2017, 5, 1))
    IndicatorTarget.objects.create(indicator="6", polarity="lower", target=0, amber_limit=1)
    card = scorecard(2017, today=datetime.date(2018, 6, 1))
    assert card.row("6").rags == ["amber", "amber", "amber", "amber", "amber"]
    assert card.row("1a").rags == [None] * 5


def test_head_of_service_writes_commentary(client, head_of_service, manager):
    url = reverse("reports:commentary") + "?year=2017/18"
    data = {"prefix": "s0", "s0-section": "New referrals", "s0-quarter": "3",
            "s0-text": "Fewer referrals than in Q2, as expected after September."}  # fmt: skip
    client.force_login(manager)
    assert client.post(url, data).status_code == 403
    client.force_login(head_of_service)
    assert client.post(url, data).status_code == 302
    saved = Commentary.objects.get()
    assert (saved.year, saved.quarter, saved.updated_by) == (2017, 3, head_of_service)
    html = client.get(reverse("reports:scorecard"), {"year": "2017/18"}).content.decode()
    assert "Fewer referrals than in Q2" in html
    client.post(url, {**data, "s0-text": "Revised."})
    assert Commentary.objects.get().text == "Revised."


def test_targets_page(client, head_of_service, administrator, manager):
    url = reverse("reports:targets")
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert client.get(url).status_code == 200
    client.force_login(head_of_service)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"6-polarity": "lower", "6-target": "150", "6-amber_limit": "140",
                                 **_blank_rows(exclude="6")})  # fmt: skip
    assert "the amber limit must be at or above the target" in response.content.decode()
    response = client.post(url, {"6-polarity": "lower", "6-target": "150", "6-amber_limit": "180",
                                 **_blank_rows(exclude="6")})  # fmt: skip
    assert response.status_code == 302
    assert IndicatorTarget.objects.get(indicator="6").target == 150


def _blank_rows(exclude):
    from reports.indicators import INDICATORS

    rows = {}
    for indicator in INDICATORS:
        if indicator.id != exclude:
            rows[f"{indicator.id}-polarity"] = indicator.polarity
    return rows


def test_commentary_on_every_section_reaches_the_pdf_and_json(head_of_service):
    import json

    from reports import services
    from reports.exports import scorecard_json, scorecard_pdf
    from reports.indicators import SECTIONS

    for number, section in enumerate(SECTIONS):
        services.commentary_save(year=2017, quarter=3, section=section.title,
                                 text=f"Analysis{number}", by=head_of_service)  # fmt: skip
    card = scorecard(2017, today=datetime.date(2018, 6, 1))
    text = pdf_text(scorecard_pdf(card))
    for number, section in enumerate(SECTIONS):
        assert f"Analysis{number}".encode() in text, section.title
    assert len(json.loads(scorecard_json(card))["commentary"]) == len(SECTIONS)


def pdf_text(pdf: bytes) -> bytes:
    """The page content of a ReportLab PDF: its streams are ASCII85, then Flate."""
    import base64
    import re
    import zlib

    pages = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            pages.append(zlib.decompress(base64.a85decode(match.group(1).strip(), adobe=True)))
        except ValueError:
            continue
    return b"".join(pages)
