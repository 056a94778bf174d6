"""The scorecard as CSV, JSON, a workbook and a PDF: one row per indicator and breakdown,
each section with the head of service's performance analysis."""

import csv
import io
import json

from cme_tracker.core import pdf
from cme_tracker.core.spreadsheets import as_text, csv_row

from .indicators import SECTIONS
from .scorecard import Scorecard

COMMENTARY = "commentary"  # the CSV's indicator column for a section's analysis row
NOTE = "note"  # the CSV's indicator column for a section's footnote (the benchmarks' source)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def csv_columns(card: Scorecard) -> list[str]:
    quarters = [f"Q{q.number}" + (" (to date)" if q == card.to_date else "")
                for q in card.quarters]  # fmt: skip
    return ["section", "indicator", "label", "breakdown", *quarters, "YTD",
            *[f"{label} YTD" for label in card.trend_labels]]  # fmt: skip


def scorecard_csv(card: Scorecard) -> str:
    """Section by section, as the page: a row of each quarter's performance analysis (under
    its quarter's column), then the indicators' rows with the two previous years."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_columns(card))
    for section in SECTIONS:
        commentary = card.section_commentary(section)
        if any(commentary):
            writer.writerow(csv_row([section.title, COMMENTARY, "Performance analysis", "",
                                     *commentary, "", "", ""]))  # fmt: skip
        for indicator_id in section.indicators:
            for row in card.rows_of(indicator_id):
                writer.writerow(csv_row(
                    [section.title, row.indicator.id, row.indicator.label, row.breakdown,
                     *[_cell(value) for value in [*row.quarters, row.ytd, *row.trend]]]
                ))  # fmt: skip
        for note in card.notes.get(section.title, []):
            writer.writerow(csv_row([section.title, NOTE, note]))
    return buffer.getvalue()


def scorecard_json(card: Scorecard) -> str:
    return json.dumps(
        {
            "year": card.year_label,
            "as_of": card.today.isoformat(),
            "quarters": card.quarter_labels,
            "to_date": f"Q{card.to_date.number}" if card.to_date else None,
            "rows": [
                {
                    "indicator": row.indicator.id,
                    "label": row.indicator.label,
                    "breakdown": row.breakdown,
                    "polarity": row.indicator.polarity,
                    "Q1": row.quarters[0],
                    "Q2": row.quarters[1],
                    "Q3": row.quarters[2],
                    "Q4": row.quarters[3],
                    "YTD": row.ytd,
                    "direction": row.directions,
                    "rag": row.rags,
                    "trend": dict(zip(card.trend_labels, row.trend, strict=True)),
                }
                for row in card.rows
            ],
            "commentary": [
                {"section": section, "quarter": f"Q{quarter}", "text": text}
                for (section, quarter), text in sorted(card.commentary.items())
            ],
            "notes": card.notes,
        },
        indent=2,
    )


# Sections people would rather look at than read: a chart beside the table.
CHARTED = {"5": "bar", "ethnicity": "bar", "family_size": "bar", "12": "bar"}


def scorecard_xlsx(card: Scorecard) -> bytes:
    """A workbook with a sheet per section, set up for printing, with native Excel charts."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    header_fill = PatternFill("solid", fgColor="1D70B8")
    white_bold = Font(bold=True, color="FFFFFF")
    quarter_labels = card.quarter_labels
    trend_labels = card.trend_labels
    for section in SECTIONS:
        ids = section.indicators
        sheet = book.create_sheet(section.sheet)
        sheet.append([f"CME scorecard {card.year_label}: {section.title}"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([f"As at {card.today:%-d %B %Y}"])
        row_number = 3
        written = [(n, text) for n, text in enumerate(card.section_commentary(section), 1) if text]
        if written:  # the section's performance analysis, above its figures
            row_number += 1
            sheet.cell(row=row_number, column=1, value="Performance analysis").font = Font(
                bold=True
            )
            for number, text in written:
                row_number += 1
                sheet.cell(row=row_number, column=1, value=f"Q{number}").alignment = Alignment(
                    vertical="top"
                )
                cell = sheet.cell(row=row_number, column=2, value=text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                sheet.merge_cells(start_row=row_number, start_column=2, end_row=row_number,
                                  end_column=8)  # fmt: skip
                sheet.row_dimensions[row_number].height = 15 * (1 + len(text) // 90
                                                                + text.count("\n"))  # fmt: skip
            row_number += 1
        for indicator_id in ids:
            rows = card.rows_of(indicator_id)
            indicator = rows[0].indicator
            row_number += 1
            sheet.cell(row=row_number, column=1, value=indicator.heading).font = Font(bold=True)
            row_number += 1
            headers = ["", *quarter_labels, "Year to date", *trend_labels]
            for column, text in enumerate(headers, start=1):
                cell = sheet.cell(row=row_number, column=column, value=text)
                cell.fill, cell.font = header_fill, white_bold
                cell.alignment = Alignment(wrap_text=True, horizontal="center")
            first_data = row_number + 1
            for row in rows:
                row_number += 1
                values = [row.breakdown or "All", *row.quarters, row.ytd, *row.trend]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row_number, column=column, value=_cell(value))
                    if column > 1:
                        cell.number_format = "0.0" if isinstance(value, float) else "#,##0"
            if indicator_id in CHARTED and len(rows) > 1:
                chart = BarChart()
                chart.type = "col"
                chart.grouping = "stacked"
                chart.overlap = 100
                chart.title = indicator.label
                chart.height, chart.width = 7, 16
                data = Reference(sheet, min_col=2, max_col=5, min_row=first_data - 1,
                                 max_row=row_number)  # fmt: skip
                categories = Reference(sheet, min_col=1, min_row=first_data, max_row=row_number)
                chart.add_data(data, titles_from_data=True, from_rows=False)
                chart.set_categories(categories)
                sheet.add_chart(chart, f"K{first_data - 1}")
            row_number += 1
        for note in card.notes.get(section.title, []):
            row_number += 1
            cell = sheet.cell(row=row_number, column=1, value=note)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number,
                              end_column=8)  # fmt: skip
            sheet.row_dimensions[row_number].height = 15 * (1 + len(note) // 120)
        sheet.column_dimensions["A"].width = 44
        for column in range(2, 9):
            sheet.column_dimensions[get_column_letter(column)].width = 14
        sheet.freeze_panes = "B4"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:2"
    for sheet in book.worksheets:  # labels and commentary come from people: text, never formulas
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def scorecard_pdf(card: Scorecard) -> bytes:
    """A4 landscape, a table per indicator, ready to print for a meeting."""
    from xml.sax.saxutils import escape

    from django.conf import settings
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = pdf.stylesheet()
    buffer = io.BytesIO()

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf.REGULAR, 8)
        canvas.drawString(15 * mm, 8 * mm, f"{settings.CME_LOCAL_AUTHORITY}: CME scorecard "
                          f"{card.year_label}, as at {card.today:%-d %B %Y}")  # fmt: skip
        canvas.drawRightString(282 * mm, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=12 * mm, bottomMargin=15 * mm,
        title=f"CME scorecard {card.year_label}", author=settings.CME_LOCAL_AUTHORITY,
    )  # fmt: skip
    quarter_labels = [label.replace(" (to date)", "\n(to date)") for label in card.quarter_labels]
    trend_labels = card.trend_labels
    arrows = {"up": " ▲", "down": " ▼", "stable": " =", None: ""}
    story = [
        Paragraph(f"Children Missing Education scorecard {card.year_label}", styles["Title"]),
        Paragraph(
            f"{settings.CME_LOCAL_AUTHORITY} · figures as at {card.today:%-d %B %Y}. "
            "A quarter not yet ended shows its figures to date: new and resolved cases so "
            "far, caseload as at today. New and resolved cases: year to date is the sum of "
            "the quarters; caseload: the latest quarter end. Against the quarter before: "
            "▲ up, ▼ down, = no change.",
            styles["Normal"],
        ),  # fmt: skip
    ]
    for section_number, section in enumerate(SECTIONS):
        ids = section.indicators
        if section_number:
            story.append(PageBreak())
        story.append(Paragraph(section.title, styles["Heading1"]))
        for number, text in enumerate(card.section_commentary(section), 1):
            if text:
                story.append(Paragraph(f"<b>Performance analysis, Q{number}.</b> "
                                       + escape(text).replace("\n", "<br/>"),
                                       styles["Normal"]))  # fmt: skip
        for indicator_id in ids:
            rows = card.rows_of(indicator_id)
            indicator = rows[0].indicator
            data = [["", *quarter_labels, "Year to date", *trend_labels]]
            for row in rows:
                cells = [
                    "–" if value is None else f"{_cell(value)}{arrows[direction]}"
                    for value, direction in zip(row.quarters, row.directions, strict=True)
                ]
                data.append([row.breakdown or "All", *cells,
                             "–" if row.ytd is None else _cell(row.ytd),
                             *["–" if v is None else _cell(v) for v in row.trend]])  # fmt: skip
            table = Table(data, colWidths=[70 * mm] + [26 * mm] * 7, repeatRows=1)
            table.setStyle(TableStyle([
                ("FONT", (0, 0), (-1, -1), pdf.REGULAR, 8),
                ("FONT", (0, 0), (-1, 0), pdf.BOLD, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d70b8")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("FONT", (5, 1), (5, -1), pdf.BOLD, 8),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
            ]))  # fmt: skip
            story.append(KeepTogether([
                Spacer(1, 3 * mm),
                Paragraph(f"<b>{indicator.heading}</b>", styles["Normal"]),
                Spacer(1, 1 * mm),
                table,
            ]))  # fmt: skip
        for note in card.notes.get(section.title, []):
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(escape(note), styles["Normal"]))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
