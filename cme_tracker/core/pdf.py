"""The font every PDF uses: DejaVu Sans, embedded, which covers Latin Extended, Greek and
Cyrillic, so Pușcașu, Dvořák and Ивáнов print as written (ReportLab's own Helvetica has
none of ș, ț, č, ř or ě). The files come with the built assets (static/vendor/pdf-fonts)."""

from functools import cache

from django.conf import settings

REGULAR = "CMESans"
BOLD = "CMESans-Bold"


@cache
def register() -> tuple[str, str]:
    """Register the font once per process; returns (regular, bold) names for ReportLab."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = settings.BASE_DIR / "static" / "vendor" / "pdf-fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, name)  # so <b> in a paragraph finds the bold face
    from reportlab import rl_config

    rl_config.canvas_basefontname = REGULAR  # a page's starting font too: never Helvetica
    return REGULAR, BOLD


def stylesheet():
    """ReportLab's sample styles, in our font (bold where the sample is bold)."""
    from reportlab.lib.styles import getSampleStyleSheet

    regular, bold = register()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        if hasattr(style, "fontName"):
            style.fontName = bold if "Bold" in style.fontName else regular
    return styles
