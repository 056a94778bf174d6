"""The printable case as a PDF (ReportLab): every page headed with the case reference and the
OFFICIAL-SENSITIVE marking, and footed with who printed it, when, and the page number."""

from io import BytesIO
from xml.sax.saxutils import escape  # Paragraphs read markup: what people wrote is text

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cme_tracker.core import pdf

from .printing import PrintedCase

WIDTH = A4[0] - 30 * mm


def _text(value: str, style) -> Paragraph:
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _marked(printed: PrintedCase):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf.BOLD, 10)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, printed.marking)
        canvas.setFont(pdf.REGULAR, 9)
        canvas.drawString(15 * mm, A4[1] - 10 * mm, f"Case {printed.reference}")
        canvas.drawCentredString(A4[0] / 2, 8 * mm, printed.marking)
        canvas.drawString(15 * mm, 8 * mm, f"Printed by {printed.printed_by}, "
                                           f"{printed.printed_at}")  # fmt: skip
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    return draw


def printed_case_pdf(printed: PrintedCase) -> bytes:
    styles = pdf.stylesheet()
    small = styles["BodyText"]
    small.fontSize, small.leading = 9, 11
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=18 * mm,
        bottomMargin=16 * mm, title=f"Case {printed.reference} ({printed.marking})",
        author=settings.CME_LOCAL_AUTHORITY,
    )  # fmt: skip
    story = [Paragraph(escape(f"{printed.child_name}, case {printed.reference}"),
                       styles["Title"])]  # fmt: skip
    for section in printed.sections:
        story += [Spacer(1, 3 * mm), Paragraph(escape(section.title), styles["Heading2"])]
        if section.rows:
            data = [[_text(label, small), _text(value, small)] for label, value in section.rows]
            widths = [45 * mm, WIDTH - 45 * mm]
        elif section.table:
            data = [[_text(h, small) for h in section.headers]]
            data += [[_text(cell, small) for cell in row] for row in section.table]
            widths = None
        else:
            story.append(_text(section.empty, small))
            continue
        table = Table(data, colWidths=widths, repeatRows=0 if section.rows else 1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            *([] if section.rows else [("FONTNAME", (0, 0), (-1, 0), pdf.BOLD)]),
        ]))  # fmt: skip
        story.append(table)
    marked = _marked(printed)
    document.build(story, onFirstPage=marked, onLaterPages=marked)
    return buffer.getvalue()
