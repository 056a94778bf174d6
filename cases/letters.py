"""Letters the service sends, as PDF. Built with ReportLab: pure Python, no system libraries."""

from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class Authorisation:
    """What the letter says: the pupil as its reader knows them, and the council's decision.

    The council's own letter names the child as the case records them; the school's copy in
    the portal names the pupil as the school sent them, under the school's own reference, so
    a school never reads the council's record of a child through the letter."""

    full_name: str
    date_of_birth: date | None
    upn: str
    reference: str
    school: object  # cases.School, or None when not recorded
    authorised_on: date | None
    authorised_by: object  # the user who authorised, or None

    @classmethod
    def of_case(cls, episode: Episode) -> "Authorisation":
        child = episode.child
        return cls(
            full_name=child.full_name, date_of_birth=child.date_of_birth, upn=child.upn,
            reference=episode.reference, school=episode.removal_from_roll_school,
            authorised_on=episode.removal_from_roll_authorised_on,
            authorised_by=episode.removal_from_roll_authorised_by,
        )  # fmt: skip


def removal_from_roll_letter(letter: Authorisation) -> bytes:
    """The LA's authorisation for a school to delete a pupil from its admission register."""
    styles = pdf.stylesheet()
    body = styles["BodyText"]
    body.fontSize = 11
    body.leading = 15
    school = letter.school
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=f"Removal from roll: {letter.reference}",
        author=settings.CME_LOCAL_AUTHORITY,
    )  # fmt: skip
    pupil = Table(
        [
            ["Pupil", letter.full_name],
            ["Date of birth", _date(letter.date_of_birth)],
            ["UPN", letter.upn or "Not known"],
            ["Our reference", letter.reference],
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
    by = letter.authorised_by
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
            f"{_date(letter.authorised_on)} the local authority authorised "
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
