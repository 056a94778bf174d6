"""Reading an uploaded file of cases, which is untrusted: whatever it holds, reading it takes
bounded memory and time, and anything wrong with it is a plain-English problem, not a crash.

A workbook (.xlsx) is a zip of XML. Its sizes are checked before it is opened: the zip's own
record of how large each part expands to (which reading it enforces), the parts openpyxl
holds in memory whole (everything but the sheets it streams: shared text, styles), and its
rows, counted in the raw XML at the speed of decompression. XML is parsed with defusedxml, so
entity tricks are refused too. A CSV is read a line at a time. Both stop at the row and
column limits.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings

from cme_tracker.core.spreadsheets import csv_value

MAX_COLUMNS = 200  # the format has 23; a row wider than this is not a file of cases
MAX_CELL = 10_000  # characters in one cell; a column's own limit is checked with the row
# Bytes of XML in the parts openpyxl holds in memory whole (shared text, styles...), which
# take many times their size once parsed.
HELD_MAX = 32 * 1024 * 1024
_CHUNK = 1024 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be read (no header, required columns missing...)."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def max_rows() -> int:
    return settings.CME_IMPORT_MAX_ROWS


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _too_many_rows() -> FileProblem:
    return FileProblem(f"it has more than {max_rows():,} rows: split it into files of fewer rows")


def _checked(number: int, cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise FileProblem(
            f"line {number} has {len(cells):,} columns; at most {MAX_COLUMNS} are read"
        )
    longest = max(map(len, cells), default=0)
    if longest > MAX_CELL:
        raise FileProblem(
            f"line {number} has a value {longest:,} characters long; "
            f"no value may be longer than {MAX_CELL:,}"
        )
    if "\x00" in "".join(cells):
        raise FileProblem(
            f"line {number} contains a NUL (zero) byte, which text does not: the file may be "
            "saved as UTF-16 (Unicode text) or not be a CSV. Save it as CSV UTF-8"
        )
    return cells


def read_table(source, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) from a CSV (UTF-8, BOM or not) or an XLSX file's first sheet."""
    rows = _xlsx_rows(source) if name.lower().endswith(".xlsx") else _csv_rows(source)
    for count, (number, cells) in enumerate(rows):
        if count > max_rows():  # the first is the header, not a row of cases
            raise _too_many_rows()
        yield number, _checked(number, cells)


def _csv_rows(source) -> Iterator[tuple[int, list[str]]]:
    if isinstance(source, str | Path):
        handle = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115
    else:
        handle = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    with handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                yield reader.line_num, [csv_value(cell.strip()) for cell in row]
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"the file is not UTF-8 text (near line {reader.line_num + 1})"
            ) from error
        except csv.Error as error:  # e.g. a value longer than the reader takes
            raise FileProblem(
                f"line {reader.line_num + 1} cannot be read as CSV ({error}): check the file is "
                "a CSV saved as UTF-8 text"
            ) from error


def _xlsx_rows(source) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_workbook(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_DAMAGED) from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a sheet's own claim of its size can be a lie
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                yield number, [_cell(value) for value in row]
        except FileProblem:
            raise
        except Exception as error:
            raise FileProblem(_DAMAGED) from error
    finally:
        workbook.close()


# What a damaged or crafted zip can raise while it is read: a broken stream (zlib), a method
# or encryption zipfile does not do, a missing part, malformed XML.
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
               NotImplementedError, RuntimeError, KeyError, ElementTree.ParseError,
               DefusedXmlException)  # fmt: skip

_DAMAGED = (
    "the workbook cannot be read: it may be damaged, or not really an Excel (.xlsx) file. "
    "Open it in Excel and save it again, or save it as CSV"
)


def _check_workbook(source) -> None:
    """Refuse a workbook that is not a zip, or would expand past the limits, before parsing."""
    if not isinstance(source, str | Path):
        source.seek(0)
    if not zipfile.is_zipfile(source):
        raise FileProblem(
            "it is not an Excel workbook (.xlsx): save it from Excel as .xlsx, or as CSV"
        )
    if not isinstance(source, str | Path):
        source.seek(0)
    limit = settings.CME_XLSX_MAX_UNCOMPRESSED_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
            expanded = sum(part.file_size for part in parts)
            if expanded > limit:
                raise FileProblem(
                    f"it expands to {_megabytes(expanded)} when opened; the most this tracker "
                    f"opens is {_megabytes(limit)}. Save it as CSV, or split it"
                )
            streamed = _streamed_sheets(archive)
            held = sum(part.file_size for part in parts if part.filename not in streamed)
            if held > HELD_MAX:
                raise FileProblem(
                    f"its text, styles and other parts take {_megabytes(held)} when opened; "
                    f"the most this tracker opens is {_megabytes(HELD_MAX)}. Save it as CSV"
                )
            for part in parts:
                if part.filename in streamed and _rows_in(archive, part) > max_rows() + 1:
                    raise _too_many_rows()
    except _UNREADABLE as error:
        raise FileProblem(_DAMAGED) from error
    finally:
        if not isinstance(source, str | Path):
            source.seek(0)


# A row element's opening: ``<row`` or, with a namespace prefix, ``:row``, then what may
# follow a tag's name. Each is five bytes long.
_ROW_TAGS = [start + end for start in (b"<row", b":row") for end in (b" ", b">", b"/", b"\n",
             b"\r", b"\t")]  # fmt: skip


_SHEET_NAME = re.compile(r"xl/worksheets/sheet\d+\.xml")
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _streamed_sheets(archive: zipfile.ZipFile) -> set[str]:
    """The parts openpyxl reads a row at a time: sheets by both their name and their declared
    type. Everything else (shared text, styles, anything a crafted file declares) it holds
    in memory whole, so those count against ``HELD_MAX``."""
    manifest = archive.getinfo("[Content_Types].xml")
    if manifest.file_size > 1024 * 1024:
        raise FileProblem(_DAMAGED)
    root = ElementTree.fromstring(archive.read(manifest))
    declared = {
        element.get("PartName", "").lstrip("/")
        for element in root
        if element.tag.endswith("Override") and element.get("ContentType") == _SHEET_TYPE
    }
    return {name for name in declared if _SHEET_NAME.fullmatch(name)}


def _rows_in(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """Rows in a sheet's XML, counted without parsing it; decompression stops at the size
    the zip declares."""
    rows, tail = 0, b""
    with archive.open(part) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            text = tail + chunk
            rows += sum(text.count(tag) for tag in _ROW_TAGS)
            # a tag split across chunks is counted with the next chunk; four bytes are too
            # few to hold a whole five-byte tag, so none is counted twice
            tail = text[-4:]
    return rows
