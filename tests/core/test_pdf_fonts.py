"""Every PDF prints every name the council's communities have as written: the letter and the
scorecard embed a font with every glyph, and their text extracts back exactly."""

import datetime
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from cases.letters import Authorisation, removal_from_roll_letter
from cme_tracker.core import pdf
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory

pytestmark = pytest.mark.django_db

NAMES = ["Pușcașu", "Țurcanu", "Dvořák", "Šťastný", "Kovačević", "Ěmilie", "Łukasz Żółć",
         "Γεώργιος", "Иванов"]  # fmt: skip


def test_the_font_has_every_glyph_of_those_names():
    regular, bold = pdf.register()
    for name in (regular, bold):
        font = pdfmetrics.getFont(name)
        missing = {c for c in "".join(NAMES) if c != " " and ord(c) not in font.face.charToGlyph}
        assert missing == set(), (name, missing)


@pytest.mark.parametrize("surname", NAMES)
def test_the_removal_from_roll_letter_prints_the_name_as_written(manager, surname):
    episode = EpisodeFactory(
        child=ChildFactory(forename="Ana", surname=surname),
        removal_from_roll_authorised_on=datetime.date(2024, 10, 9),
        removal_from_roll_authorised_by=manager, removal_from_roll_school=SchoolFactory(),
    )  # fmt: skip
    body = removal_from_roll_letter(Authorisation.of_case(episode))
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert f"Ana {surname}" in text
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}  # fmt: skip
    assert fonts and all("DejaVuSans" in font for font in fonts), fonts


def test_the_scorecard_pdf_uses_the_embedded_font(manager):
    from reports.exports import scorecard_pdf
    from reports.scorecard import scorecard

    reader = PdfReader(io.BytesIO(scorecard_pdf(scorecard(2024))))
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}  # fmt: skip
    assert fonts and all("DejaVuSans" in font for font in fonts), fonts
    assert "▲ up" in reader.pages[0].extract_text() or "▲" in "".join(
        page.extract_text() for page in reader.pages
    )
