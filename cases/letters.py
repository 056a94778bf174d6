"""Letters the service sends, as PDF. Built with ReportLab: pure Python, no system libraries."""

from io import BytesIO
from xml.sax.saxutils import escape  # Paragraphs read markup: a name is text

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cme_tracker.core import pdf

from .models import Episode


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else "Not known"


def removal_from_roll_letter(episode: Episode) -> bytes:
    """The LA's authorisation for a school to delete a pupil from its admission register."""
    styles = pdf.stylesheet()
    body = styles["BodyText"]
    body.fontSize = 11
    body.leading = 15
    child = episode.child
    school = episode.removal_from_roll_school
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=f"Removal from roll: {episode.reference}",
        author=settings.CME_LOCAL_AUTHORITY,
    )  # fmt: skip
    pupil = Table(
        [
            ["Pupil", child.full_name],
            ["Date of birth", _date(child.date_of_birth)],
            ["UPN", child.upn or "Not known"],
            ["Our reference", episode.reference],
        ],
        colWidths=[45 * mm, 110 * mm],
    )
    pupil.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), pdf.REGULAR),
                ("FONTNAME", (0, 0), (0, -1), pdf.BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    by = episode.removal_from_roll_authorised_by
    story = [
        Paragraph(escape(settings.CME_LOCAL_AUTHORITY), styles["Title"]),
        Paragraph("Children Missing Education service", styles["Heading3"]),
        Spacer(1, 6 * mm),
        Paragraph(_date(timezone.localdate()), body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"To the headteacher, {escape(school.name) if school else 'the school'}"
            f"{f' (URN {school.urn})' if school else ''}",
            body,
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        Paragraph("<b>Authorisation to remove a pupil from the admission register</b>", body),
        Spacer(1, 3 * mm),
        pupil,
        Spacer(1, 4 * mm),
        Paragraph(
            "The local authority has made reasonable enquiries, jointly with the school, to "
            "find this pupil and has been unable to establish where the pupil is. On "
            f"{_date(episode.removal_from_roll_authorised_on)} the local authority authorised "
            "the school to delete the pupil's name from its admission register under the "
            "School Attendance (Pupil Registration) (England) Regulations 2024.",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            "The pupil remains recorded as a child missing education and the local authority "
            "will continue its enquiries. Please upload the pupil's record to the "
            "school-to-school (S2S) lost pupil database and tell us at once if you learn "
            "anything of the pupil's whereabouts.",
            body,
        ),
        Spacer(1, 8 * mm),
        Paragraph("Yours faithfully,", body),
        Spacer(1, 10 * mm),
        Paragraph(escape(str(by)) if by else "Children Missing Education officer", body),
        Paragraph(f"for {escape(settings.CME_LOCAL_AUTHORITY)}", body),
    ]
    document.build(story)
    return buffer.getvalue()
