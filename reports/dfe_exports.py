"""The DfE return as files: CSV (``breakdown,category,count``), JSON, XLSX and PDF."""

import csv
import io
import json

from cme_tracker.core.spreadsheets import csv_row, xlsx_row

from .dfe import BANDS, Return

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}  # fmt: skip


BENCHMARK_COLUMNS = ["share_or_rate", "published_count", "published_share_or_rate", "england",
                     "region", "statistical_neighbours_mean", "neighbours_used"]  # fmt: skip


def _benchmark_cells(comparison, breakdown: str, category: str) -> list:
    """The benchmark columns of one row: shares for a category, rates per 100 for the total;
    a marker as the DfE published it."""
    line = next((line for line in comparison.lines.get(breakdown, [])
                 if line.category == category), None)  # fmt: skip
    if line is None:
        return [""] * len(BENCHMARK_COLUMNS)
    mean = line.neighbours
    return [
        "" if line.live_share is None else line.live_share,
        line.council.shown,
        line.council_share.shown,
        line.england.shown,
        line.region.shown,
        "" if mean.value is None else round(mean.value, 3),
        f"{mean.used} of {mean.of}",
    ]


def rows_csv(rows, comparison=None) -> str:
    """``breakdown,category,count``; with benchmarks, their columns and a footnote row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["breakdown", "category", "count",
                     *(BENCHMARK_COLUMNS if comparison else [])])  # fmt: skip
    for row in rows:
        extra = _benchmark_cells(comparison, row[0], row[1]) if comparison else []
        writer.writerow(csv_row([*row, *extra]))
    if comparison:
        writer.writerow(csv_row(["source", comparison.footnote]))
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


def return_xlsx(result: Return, comparison=None) -> bytes:
    """A sheet of the return's rows, as the CSV (benchmarks and their source included), and
    a sheet of reason by time missing."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("DfE return")
    cross = book.create_sheet("Reason by time missing")
    for ws, width in ((sheet, 20), (cross, 50)):
        ws.column_dimensions["A"].width = width
    sheet.column_dimensions["B"].width = 50
    sheet.append(xlsx_row(sheet, ["breakdown", "category", "count",
                                  *(BENCHMARK_COLUMNS if comparison else [])]))  # fmt: skip
    for row in result.rows():
        extra = _benchmark_cells(comparison, row[0], row[1]) if comparison else []
        sheet.append(xlsx_row(sheet, [*row, *extra]))
    if comparison:
        sheet.append(xlsx_row(sheet, []))
        sheet.append(xlsx_row(sheet, ["source", comparison.footnote]))
    cross.append(xlsx_row(cross, ["Primary reason", *BANDS, "Total"]))
    for reason, counts, total in result.reasons_by_time_missing:
        cross.append(xlsx_row(cross, [reason, *counts, total]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(result: Return, fmt: str, comparison=None) -> str | bytes:
    """The return in ``fmt``, one of FORMATS, with the benchmarks' columns and footnote
    when ``comparison`` (``reports.benchmarks.compare``) has a published term."""
    compared = comparison if comparison is not None and comparison.period else None
    if fmt == "csv":
        return rows_csv(result.rows(), compared)
    if fmt == "json":
        return return_json(result)
    if fmt == "xlsx":
        return return_xlsx(result, compared)
    if fmt == "pdf":
        from .dfe_pdf import return_pdf

        return return_pdf(result, comparison)
    raise ValueError(f"not a format: {fmt}")
