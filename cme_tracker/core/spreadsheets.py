"""Cells a spreadsheet will not run. Every CSV and XLSX the tracker writes goes through here.

A name such as ``=HYPERLINK("http://x","y")`` typed into a form must not become a live
formula when a manager opens an export (OWASP, "CSV Injection"). In CSV a text cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or with apostrophes and
then one of those, gets one more apostrophe in front; reading the file back
(``csv_value``) takes exactly one off, so an import of an export is exact. In XLSX text is
written as text, marked so that Excel keeps it text even when the cell is edited.
"""

import re

_LIKE_A_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def csv_cell(value):
    """A value for a CSV row: text that could run is quoted; numbers and dates as they are."""
    if isinstance(value, str) and _LIKE_A_FORMULA.match(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]


def csv_value(text: str) -> str:
    """What ``csv_cell`` was given, from what it wrote."""
    if text.startswith("'") and _LIKE_A_FORMULA.match(text):
        return text[1:]
    return text


def as_text(cell):
    """Make an openpyxl cell holding text a text cell, never a formula; returns it."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if _LIKE_A_FORMULA.match(cell.value):
            cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values) -> list:
    """Cells for a write-only sheet's ``append``."""
    from openpyxl.cell import WriteOnlyCell

    return [as_text(WriteOnlyCell(sheet, value=value)) for value in values]
