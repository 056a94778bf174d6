"""The scorecard's indicators and sections, defined once: each indicator's id, title,
whether it is a flow (summed over quarters), a stock (the value at a quarter end) or a
measure, its polarity and its definition. The page, the exports, the snapshots and the figure
links all read these; the counting SQL (reports.counting_sql) keeps the counts they read.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases import aging

NO_LOCALITY = "No Locality Registered"
NOT_KNOWN = "Not known"
NO_DATA = "No data / other"
TIME_OPEN = [label for _, label, _, _ in aging.TIME_OPEN]  # the caseload page's bands
FAMILY_SIZES = ["1 child", "2 children", "3 children", "4 children", "5 or more children"]


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    kind: str  # "flow" (sum over quarters) or "stock" (value at a quarter end)
    polarity: str = "info"  # info, higher, lower
    definition: str = ""

    @property
    def heading(self) -> str:
        """'1a. New referrals in the period': the seed scorecards' numbers; others unnumbered."""
        return f"{self.id}. {self.label}" if len(self.id) <= 3 else self.label


INDICATORS = [
    Indicator("1a", "New referrals in the period", "flow",
              definition="Episodes whose referral date falls in the period; Families counts "
              "each sibling group once."),
    Indicator("1b", "Of those, previously CME", "flow",
              definition="New referrals of children with an earlier episode."),
    Indicator("2", "New referrals by gender", "flow"),
    Indicator("3", "New referrals by locality", "flow"),
    Indicator("4", "New referrals by school phase", "flow"),
    Indicator("5", "New referrals by ethnicity group", "flow"),
    Indicator("6", "Active cases at the period end", "stock",
              definition="Referred on or before the end and not closed by then."),
    Indicator("7", "Cases resolved in the period", "flow",
              definition="Episodes whose closure date falls in the period."),
    Indicator("8", "Active cases whose school is authorised to remove them from roll", "stock"),
    Indicator("9", "Active cases by gender", "stock"),
    Indicator("10", "Active cases by locality", "stock"),
    Indicator("11", "Active cases by school phase", "stock"),
    Indicator("12", "Active cases by time open", "stock",
              definition="Whole calendar months from referral to the period end."),
    Indicator("13", "Active cases eligible for free school meals", "stock"),
    Indicator("year_group", "Active cases by year group", "stock"),
    Indicator("ethnicity", "Active cases by ethnicity group", "stock"),
    Indicator("family_size", "Families with active cases by size", "stock"),
    Indicator("presenting_need", "New referrals by presenting need", "flow"),
    Indicator("open_to", "New referrals open to services", "flow"),
    Indicator("closure_outcome", "Resolved cases by outcome", "flow"),
    Indicator("median_days_to_close", "Median days from referral to closure, cases resolved",
              "measure", polarity="lower"),
    Indicator("first_enquiry_5_days",
              "New referrals with a first enquiry within 5 working days (%)", "measure",
              polarity="higher",
              definition="Share of the period's new referrals whose first enquiry was made "
              "within 5 working days (weekends and bank holidays excluded)."),
    Indicator("overdue_at_end", "Active cases with an overdue enquiry at the period end",
              "stock", polarity="lower"),
]  # fmt: skip
BY_ID = {indicator.id: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class Section:
    """A part of the scorecard: its heading (commentary is kept under it), its sheet name in
    the workbook (Excel allows 31 characters) and its indicators."""

    title: str
    sheet: str
    indicators: tuple[str, ...]


SECTIONS = [
    Section("New referrals", "New referrals",
            ("1a", "1b", "2", "3", "4", "5", "presenting_need", "open_to")),
    Section("Current caseload at the quarter end", "Current caseload",
            ("6", "8", "9", "10", "11", "12", "13", "year_group", "ethnicity", "family_size",
             "overdue_at_end")),
    Section("Resolved cases", "Resolved",
            ("7", "closure_outcome", "median_days_to_close", "first_enquiry_5_days")),
]  # fmt: skip
