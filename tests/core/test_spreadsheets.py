"""No export carries a live formula, and an import of an export is still exact."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.bulk.exporter import export_file
from cases.models import Child
from cme_tracker.core.spreadsheets import csv_cell, csv_value
from tests.cases.factories import ChildFactory, EpisodeFactory

# What a careless (or malicious) name can be, and what must come back exactly.
NAMES = [
    '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tTabbed", "'=quoted already",
    "''=twice", "'Tis plain", "O'Brien", "Ana-Maria", "=", "Plain",
]  # fmt: skip


@pytest.mark.parametrize("text", NAMES)
def test_a_cell_that_could_run_is_quoted_and_reads_back_exactly(text):
    written = csv_cell(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_value(written) == text


def test_numbers_stay_numbers():
    assert csv_cell(-3) == -3 and csv_cell(2.5) == 2.5


@pytest.mark.django_db(transaction=True)
def test_the_cases_export_quotes_formulas_and_imports_back_exactly(tmp_path, owner_connection):
    from tests.cases.test_bulk_import import empty_case_tables, run
    from tests.conftest import load_reference_data

    load_reference_data()
    for number, surname in enumerate(NAMES):
        # The import trims spaces and tabs around a value, and refuses a name with no letter.
        if surname.strip() == surname and any(char.isalpha() for char in surname):
            EpisodeFactory(
                episode_ref=f"=E{number}", child=ChildFactory(
                    child_ref=f"-C{number}", forename="=cmd|' /C calc'!A0", surname=surname),
            )  # fmt: skip
    first = tmp_path / "first.csv"
    export_file(first)
    with open(first, newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    before = sorted(Child.objects.values_list("forename", "surname"))
    empty_case_tables(owner_connection)
    assert run(first).imported
    assert sorted(Child.objects.values_list("forename", "surname")) == before
    second = tmp_path / "second.csv"
    export_file(second)
    # The same rows (children come back in the order of their references, not their ids).
    assert sorted(second.read_bytes().splitlines()) == sorted(first.read_bytes().splitlines())


@pytest.mark.django_db
def test_the_cases_export_as_xlsx_writes_text_as_text(tmp_path):
    EpisodeFactory(child=ChildFactory(surname='=HYPERLINK("http://x","y")'))
    path = tmp_path / "history.xlsx"
    export_file(path)
    sheet = load_workbook(path).active
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in c.value]
    assert cell.data_type == "s" and cell.quotePrefix
    from cases.bulk.importer import import_file

    report = import_file(path, file_name=path.name)
    assert report.imported and (report.episodes_created, report.episodes_updated) == (0, 0)


@pytest.mark.django_db
def test_the_case_list_download_quotes_formulas(client, manager):
    episode = EpisodeFactory(child=ChildFactory(forename="@SUM(1)", surname="+1+1"))
    client.force_login(manager)
    response = client.get(reverse("cases:list_csv"), {"q": "SUM"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:2] == [episode.reference, "'@SUM(1) +1+1"]


@pytest.mark.django_db
def test_scorecard_and_dfe_return_downloads_quote_a_formula_in_a_label(client, manager):
    from cases.models import PresentingNeed

    PresentingNeed.objects.filter(code="NEGLECT").update(label="=1+1 Neglect")
    EpisodeFactory(presenting_need=PresentingNeed.objects.get(code="NEGLECT"))
    client.force_login(manager)
    body = client.get(reverse("reports:scorecard_download", args=["csv"])).content.decode()
    assert "'=1+1 Neglect" in body and ",=1+1" not in body
    workbook = client.get(reverse("reports:scorecard_download", args=["xlsx"])).content
    book = load_workbook(io.BytesIO(workbook))
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]  # fmt: skip
    assert cells and all(c.data_type == "s" for c in cells)
    dfe = client.get(reverse("reports:dfe_return"), {"format": "csv"}).content.decode()
    assert not [line for line in dfe.splitlines() if ",=" in line or line.startswith("=")]
