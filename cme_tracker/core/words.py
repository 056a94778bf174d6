"""How dates read on every page and in History: as GOV.UK writes them."""

import re
from datetime import date

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def gov_date(value) -> str:
    """30 November 2026, from a date or the ISO text a record keeps; anything else as it is."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        value = date.fromisoformat(value)
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return "" if value is None else str(value)
