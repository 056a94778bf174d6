"""The DfE return as a PDF to take to a meeting: each breakdown's live count, and when the
DfE has published a term, the council's published figure, England, the region and the
statistical neighbours' mean beside it, with the source and release named at the foot."""

import io
from xml.sax.saxutils import escape

from cme_tracker.core import pdf

from .dfe import BANDS, BREAKDOWNS, Return

HEADER_BLUE = "#1d70b8"
RULE_GREY = "#b1b4b6"


def _table(data, widths):
    """A table with a blue header row; the headings and the first column's cells wrap, as a
    reason or a band can be longer than its column."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = ParagraphStyle("cell", fontName=pdf.REGULAR, fontSize=8, leading=10)
    head = ParagraphStyle("head", cell, fontName=pdf.BOLD, textColor=colors.white)
    head_right = ParagraphStyle("head_right", head, alignment=TA_RIGHT)
    heading = [Paragraph(escape(text).replace("\n", "<br/>"), head if i == 0 else head_right)
               for i, text in enumerate(data[0])]  # fmt: skip
    data = [heading, *[[Paragraph(escape(row[0]), cell), *row[1:]] for row in data[1:]]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), pdf.REGULAR, 8),
        ("FONT", (0, 0), (-1, 0), pdf.BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BLUE)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(RULE_GREY)),
    ]
    table.setStyle(TableStyle(style))
    return table


def _mean(mean) -> str:
    shown = "–" if mean.value is None else f"{mean.value:.3f}".rstrip("0").rstrip(".")
    return f"{shown} ({mean.used} of {mean.of})"


def _benchmark_rows(key: str, lines, label: str) -> list[list[str]]:
    measure = "rate" if key == "total" else "share"
    rows = [["Category", "Live count", f"Live {measure}", f"Published count,\n{label}",
             f"Published {measure}", "England", "Region",
             "Statistical\nneighbours' mean"]]  # fmt: skip
    for line in lines:
        rows.append([line.category, str(line.live),
                     "–" if line.live_share is None else str(line.live_share),
                     line.council.shown, line.council_share.shown, line.england.shown,
                     line.region.shown, _mean(line.neighbours)])  # fmt: skip
    return rows


def _plain_rows(items, total: int) -> list[list[str]]:
    return [["Category", "Children"], *[[c, str(n)] for c, n in items], ["Total", str(total)]]


def _facts(comparison) -> list[str]:
    data = comparison.data
    rank = comparison.rank
    population = comparison.population
    return [
        f"Region: {data.region_name or 'not found in the figures'}.",
        f"Statistical neighbours: {len(data.neighbours)} set.",
        "Rank on the rate per 100: " + (f"{rank[0]} of {rank[1]} local authorities with a "
                                        "published rate (1 is the lowest rate)." if rank else
                                        "not known: the council's rate is not published for "
                                        "this term."),
        "Children aged 5 to 16: " + (f"{population.label}." if population else "not known."),
    ]  # fmt: skip


def return_pdf(result: Return, comparison=None) -> bytes:
    """A4 landscape: the totals, each breakdown (beside its benchmarks when ``comparison``
    has a published term), the term-by-term rates and reason by time missing."""
    from django.conf import settings
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = pdf.stylesheet()
    buffer = io.BytesIO()
    council = settings.CME_LOCAL_AUTHORITY
    census = f"{result.census_date:%-d %B %Y}"
    compared = comparison if comparison is not None and comparison.period else None

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf.REGULAR, 8)
        canvas.drawString(15 * mm, 8 * mm, f"{council}: DfE CME return at {census}")
        canvas.drawRightString(282 * mm, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=12 * mm, bottomMargin=15 * mm,
        title=f"DfE CME return at {census}", author=council,
    )  # fmt: skip

    def block(heading: str, table) -> KeepTogether:
        return KeepTogether([Spacer(1, 4 * mm), Paragraph(f"<b>{escape(heading)}</b>",
                                                          styles["Normal"]),
                             Spacer(1, 1 * mm), table])  # fmt: skip

    story = [
        Paragraph(f"Children missing education: DfE return at {census}", styles["Title"]),
        Paragraph(
            f"{escape(council)} · academic year {result.year_label}. "
            f"{escape(BREAKDOWNS['total'])}: <b>{result.total}</b>. "
            f"{escape(BREAKDOWNS['any_point_in_year'])} to the census date: "
            f"<b>{result.any_point_in_year}</b>, each child counted once.",
            styles["Normal"],
        ),  # fmt: skip
    ]
    if not result.adds_up():
        story.append(Paragraph("<b>A breakdown does not add up to the total: report this as "
                               "a fault before submitting.</b>", styles["Normal"]))  # fmt: skip
    if compared:
        story.append(Paragraph(
            f"Beside the DfE's published figures for {escape(compared.period.label)}: "
            "categories by their share of the total (%), the total by its rate per 100 "
            "children aged 5 to 16. " + " ".join(escape(f) for f in _facts(compared)),
            styles["Normal"]))  # fmt: skip
        wide = [62 * mm, 20 * mm, 20 * mm, 34 * mm, 26 * mm, 24 * mm, 24 * mm, 57 * mm]
        for key, heading, lines in compared.sections:
            story.append(block(heading, _table(_benchmark_rows(key, lines, compared.period.label),
                                               wide)))  # fmt: skip
        history = [["Term", "The council", "England", "Statistical neighbours' mean"]]
        history += [[label, c.shown, e.shown, _mean(m)] for label, c, e, m in compared.history]
        story.append(block("Published rate per 100 children aged 5 to 16, term by term",
                           _table(history, [70 * mm, 40 * mm, 40 * mm, 60 * mm])))  # fmt: skip
    else:
        if comparison is not None and comparison.problem:
            story.append(Paragraph(f"No benchmarks: {escape(comparison.problem)}",
                                   styles["Normal"]))  # fmt: skip
        for _, heading, items in result.breakdowns():
            story.append(block(heading, _table(_plain_rows(items, result.total),
                                               [120 * mm, 30 * mm])))  # fmt: skip
    cross = [["Primary reason", *BANDS, "Total"]]
    cross += [[reason, *map(str, counts), str(total)]
              for reason, counts, total in result.reasons_by_time_missing]  # fmt: skip
    story.append(block("Primary reason by length of time missing (for the team's own use)",
                       _table(cross, [75 * mm] + [20 * mm] * len(BANDS) + [20 * mm])))  # fmt: skip
    if compared:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(compared.footnote), styles["Normal"]))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
