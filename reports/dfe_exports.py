"""The DfE return as files: CSV (``breakdown,category,count``), JSON and XLSX."""

import csv
import io
import json

from cme_tracker.core.spreadsheets import csv_row, xlsx_row

from .dfe import BANDS, Return

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


def rows_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["breakdown", "category", "count"])
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def return_json(result: Return) -> str:
    return json.dumps({
        "census_date": result.census_date.isoformat(),
        "academic_year": result.year_label,
        "adds_up": result.adds_up(),
        "rows": [{"breakdown": b, "category": c, "count": n} for b, c, n in result.rows()],
        "reasons_by_time_missing": [
            {"reason": reason, **dict(zip(BANDS, counts, strict=True)), "total": total}
            for reason, counts, total in result.reasons_by_time_missing
        ],
    }, indent=2)  # fmt: skip


def return_xlsx(result: Return) -> bytes:
    """A sheet of the return's rows, as the CSV, and a sheet of reason by time missing."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("DfE return")
    cross = book.create_sheet("Reason by time missing")
    for ws, width in ((sheet, 20), (cross, 50)):
        ws.column_dimensions["A"].width = width
    sheet.column_dimensions["B"].width = 50
    sheet.append(xlsx_row(sheet, ["breakdown", "category", "count"]))
    for row in result.rows():
        sheet.append(xlsx_row(sheet, row))
    cross.append(xlsx_row(cross, ["Primary reason", *BANDS, "Total"]))
    for reason, counts, total in result.reasons_by_time_missing:
        cross.append(xlsx_row(cross, [reason, *counts, total]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(result: Return, fmt: str) -> str | bytes:
    """The return in ``fmt``, one of FORMATS."""
    if fmt == "csv":
        return rows_csv(result.rows())
    if fmt == "json":
        return return_json(result)
    if fmt == "xlsx":
        return return_xlsx(result)
    raise ValueError(f"not a format: {fmt}")
