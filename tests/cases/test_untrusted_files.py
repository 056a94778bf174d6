"""A file of cases is untrusted: a damaged, hostile or simply wrong file gets a plain-English,
line-numbered problem, takes bounded memory, and imports nothing; it is never a 500.

The hostile workbooks are made here, as an attacker would make them, and read in a
separate process so that the memory it took can be measured on its own."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cases.models import CaseImport, Child, Episode
from referrals.models import Referral
from tests.cases.test_bulk_import import HEADER, row, run, write
from tests.referrals.test_referral_form import referral_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def errors(report) -> str:
    return "\n".join(report.errors)


def nothing_imported(report) -> bool:
    return not report.imported and not Child.objects.exists() and not Episode.objects.exists()


def test_a_file_named_xlsx_that_is_not_a_workbook_says_so(tmp_path):
    path = tmp_path / "history.xlsx"
    path.write_text("episode_ref,child_ref\nE1,C1\n")
    report = run(path)
    assert "it is not an Excel workbook (.xlsx)" in errors(report)
    assert nothing_imported(report)


def test_a_zip_that_is_not_a_workbook_is_called_damaged(tmp_path):
    path = tmp_path / "history.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    report = run(path)
    assert "the workbook cannot be read: it may be damaged" in errors(report)
    assert nothing_imported(report)


def test_a_nul_byte_is_a_line_numbered_problem(tmp_path):
    rows = [row(), row(episode_ref="E2", child_ref="C2", upn="", surname="Lak\x00atos")]
    report = run(write(tmp_path, rows))
    assert "line 3 contains a NUL (zero) byte" in errors(report)
    assert nothing_imported(report)


def test_a_utf16_file_is_refused_in_plain_words(tmp_path):
    path = write(tmp_path, [row()])
    path.write_bytes(path.read_text().encode("utf-16-le"))
    report = run(path)
    assert "NUL (zero) byte" in errors(report) or "not UTF-8" in errors(report)
    assert nothing_imported(report)


def test_a_name_longer_than_its_field_names_line_column_and_length(tmp_path):
    report = run(write(tmp_path, [row(forename="A" * 10_000)]))
    message = errors(report)
    assert 'line 2, forename "' + "A" * 57 + '…": is 10,000 characters long; the most it may ' in (
        message
    )
    assert "the most it may have is 100" in message
    assert len(message) < 500  # the value is not echoed whole
    assert nothing_imported(report)


def test_a_reference_longer_than_its_field_is_refused(tmp_path):
    report = run(write(tmp_path, [row(child_ref="C" * 61)]))
    assert "line 2, child_ref" in errors(report) and "the most it may have is 60" in (
        errors(report)
    )


def test_a_value_past_any_column_s_limit_stops_the_file(tmp_path):
    report = run(write(tmp_path, [row(), row(presenting_need="x" * 20_000)]))
    assert (
        "line 3 has a value 20,000 characters long; no value may be longer than 10,000"
        in errors(report)
    )
    assert nothing_imported(report)


def test_a_row_with_hundreds_of_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(["x"] * 500) + "\n")
    report = run(path)
    assert "line 2 has 500 columns; at most 200 are read" in errors(report)


def test_a_value_the_csv_reader_cannot_take_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(",".join(HEADER) + '\n"' + "x" * 200_000 + "\n")  # an unclosed quote
    report = run(path)
    assert "cannot be read as CSV" in errors(report) or "characters long" in errors(report)
    assert nothing_imported(report)


def test_a_file_problem_imports_nothing_even_when_skipping_invalid_rows(tmp_path):
    rows = [row(), row(episode_ref="E2", child_ref="C2", upn="", surname="La\x00")]
    report = run(write(tmp_path, rows), skip_invalid=True)
    assert "NUL (zero) byte" in errors(report)
    assert nothing_imported(report)


def test_a_duplicated_header_names_both_columns(tmp_path):
    header = [*HEADER, "Forename"]
    path = tmp_path / "twice.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row()[n] for n in HEADER) + ",Eve\n")
    report = run(path)
    assert 'the column "forename" appears 2 times (columns D and R)' in errors(report)
    assert nothing_imported(report)


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u200d", "...", "-", "\u2060 \u2060"])
def test_a_name_needs_a_visible_letter_in_the_import(tmp_path, name):
    report = run(write(tmp_path, [row(surname=name)]))
    assert "line 2, surname" in errors(report)
    assert "must contain at least one letter" in errors(report)
    assert nothing_imported(report)


def test_names_in_any_script_are_names(tmp_path):
    rows = [row(surname="Łukasiewicz"), row(episode_ref="E2", child_ref="C2", upn="",
            forename="محمد", surname="王", referral_date="2018-01-08", closed_date="",
            closure_outcome="")]  # fmt: skip
    report = run(write(tmp_path, rows))
    assert report.imported, report.errors


def test_a_name_needs_a_visible_letter_on_the_referral_form(client, officer):
    client.force_login(officer)
    data = referral_data(**{"child-0-forename": "\u200b\u200b", "child-0-surname": "\t"})
    html = client.post(reverse("referrals:new"), data).content.decode()
    assert "First name must contain at least one letter" in html
    assert not Referral.objects.exists() and not Child.objects.exists()


def test_an_upload_past_the_limit_is_refused_with_its_size(client, manager):
    client.force_login(manager)
    big = SimpleUploadedFile("big.csv", b"x" * (3 * 1024 * 1024 + 10), "text/csv")
    with override_settings(CME_UPLOAD_MAX_MB=2):
        response = client.post(reverse("cases:cases_import"), {"file": big})
    assert response.status_code == 200
    assert "The file is 3.0 MB: it must be 2 MB or smaller" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_an_upload_within_the_limit_is_queued(client, manager, tmp_path):
    client.force_login(manager)
    path = write(tmp_path, [row()])
    upload = SimpleUploadedFile("history.csv", path.read_bytes(), "text/csv")
    with override_settings(CME_UPLOAD_MAX_MB=2):
        response = client.post(reverse("cases:cases_import"), {"file": upload})
    assert response.status_code == 302
    assert CaseImport.objects.get().file.size == path.stat().st_size


# Hostile workbooks --------------------------------------------------------------------------


def workbook_with(path: Path, parts: dict) -> Path:
    """A real workbook (made by openpyxl), with parts replaced by generated XML. ``parts``
    maps a part's name to an iterable of byte chunks, streamed into the zip."""
    from openpyxl import Workbook

    plain = path.with_name("plain.xlsx")
    book = Workbook()
    book.active.append(HEADER)
    book.save(plain)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item))
        for name, chunks in parts.items():
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return path


def sheet_of(rows_xml):
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    yield from rows_xml
    yield b"</sheetData></worksheet>"


def empty_rows(count: int, numbered: bool = True):
    batch = 100_000
    for start in range(1, count + 1, batch):
        numbers = range(start, min(start + batch, count + 1))
        yield (
            b"".join(b'<row r="%d"/>' % n for n in numbers)
            if numbered
            else (b"<row/>" * len(numbers))
        )


def padding(megabytes: int):
    for _ in range(megabytes):
        yield b" " * (1024 * 1024)


READ_IN_A_CHILD = """
import json, sys
from django.conf import settings
settings.configure(CME_IMPORT_MAX_ROWS=1_000_000, CME_XLSX_MAX_UNCOMPRESSED_MB=200)
from cases.bulk.reading import FileProblem, read_table
try:
    rows = sum(1 for _ in read_table(sys.argv[1], sys.argv[1]))
    result = {"rows": rows}
except FileProblem as problem:
    result = {"problem": str(problem)}
# The high-water mark of this process's own memory (ru_maxrss would carry the parent's,
# from before exec).
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
result["peak_mb"] = int(status["VmHWM"].split()[0]) / 1024
print(json.dumps(result))
"""


def read_in_a_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READ_IN_A_CHILD, str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_a_workbook_that_expands_to_a_gibibyte_is_refused_before_it_is_read(tmp_path):
    sheet = sheet_of(padding(1024))
    path = workbook_with(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert path.stat().st_size < 2 * 1024 * 1024  # about 1 MB that opens to 1 GiB
    result = read_in_a_child(path)
    assert (
        "it expands to 1,024 MB when opened; the most this tracker opens is 200 MB"
        in (result["problem"])
    )
    assert result["peak_mb"] < 150


def test_a_small_workbook_of_three_million_rows_is_refused_by_counting(tmp_path):
    sheet = sheet_of(empty_rows(3_000_000, numbered=False))
    path = workbook_with(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert path.stat().st_size < 512 * 1024
    result = read_in_a_child(path)
    assert result["problem"] == (
        "it has more than 1,000,000 rows: split it into files of fewer rows"
    )
    assert result["peak_mb"] < 150


def test_a_workbook_whose_shared_text_is_huge_is_refused(tmp_path):
    strings = [
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        *(b"<si><t>" + b"x" * 1_048_000 + b"</t></si>" for _ in range(70)),
        b"</sst>",
    ]
    path = workbook_with(tmp_path / "text.xlsx", {"xl/sharedStrings.xml": strings})
    result = read_in_a_child(path)
    assert (
        "its text, styles and other parts take 70 MB when opened; the most this tracker opens "
        "is 32 MB"
    ) in result["problem"]
    assert result["peak_mb"] < 150


def test_huge_styles_are_refused_whatever_the_sheets_say(tmp_path):
    styles = [b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
              *(b"<numFmts>" + b" " * 1_048_000 + b"</numFmts>" for _ in range(100)),
              b"</styleSheet>"]  # fmt: skip
    path = workbook_with(tmp_path / "styles.xlsx", {"xl/styles.xml": styles})
    assert path.stat().st_size < 2 * 1024 * 1024
    result = read_in_a_child(path)
    assert "its text, styles and other parts take 100 MB" in result["problem"]
    assert result["peak_mb"] < 150


def test_a_sheet_whose_compressed_data_is_broken_is_called_damaged(tmp_path):
    path = workbook_with(tmp_path / "broken.xlsx", {})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)
    for offset in range(start + 2, start + min(part.compress_size, 40)):
        data[offset] ^= 0xFF  # scramble the deflated bytes, keep the zip's directory
    path.write_bytes(bytes(data))
    report = run(path)
    assert "the workbook cannot be read: it may be damaged" in errors(report)
    assert nothing_imported(report)


def test_rows_are_counted_exactly_across_the_reader_s_chunks(tmp_path):
    from cases.bulk.reading import _CHUNK, _rows_in

    filler = b" " * (_CHUNK - 3)  # the first row's tag straddles the first chunk's end
    path = tmp_path / "count.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "sheet.xml",
            filler + b'<row r="1"/>' + b"<x:row r='2'/><row><row/><row\n/><rowBreaks/>" * 7,
        )
    with zipfile.ZipFile(path) as archive:
        assert _rows_in(archive, archive.getinfo("sheet.xml")) == 1 + 4 * 7


def test_a_hostile_workbook_uploaded_gets_one_clear_problem_on_its_page(client, manager, tmp_path):
    from cases.tasks import import_cases

    path = workbook_with(
        tmp_path / "rows.xlsx",
        {"xl/worksheets/sheet1.xml": sheet_of(empty_rows(1_000_002))},  # a header and 1,000,001
    )
    client.force_login(manager)
    upload = SimpleUploadedFile("rows.xlsx", path.read_bytes())
    response = client.post(reverse("cases:cases_import"), {"file": upload, "dry_run": ""})
    assert response.status_code == 302
    import_cases.apply(args=[CaseImport.objects.get().pk])  # what the worker does
    record = CaseImport.objects.get()
    assert record.status == CaseImport.Status.FINISHED, record.report
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "it has more than 1,000,000 rows" in html
    assert "Nothing was imported" in html
    assert not Child.objects.exists()


def test_a_csv_with_more_rows_than_the_limit_is_refused_whole(tmp_path):
    rows = [row(episode_ref=f"E{n}", child_ref=f"C{n}", upn="", family_ref="")
            for n in range(4)]  # fmt: skip
    with override_settings(CME_IMPORT_MAX_ROWS=3):
        report = run(write(tmp_path, rows))
        assert "it has more than 3 rows: split it into files of fewer rows" in errors(report)
        assert nothing_imported(report)
        assert run(write(tmp_path, rows[:3])).episodes_created == 3
