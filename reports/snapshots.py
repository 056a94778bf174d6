"""Reading snapshots: the quarters one may be taken of, a quarter's current snapshot, and a
snapshot's stored figures laid out as the scorecard's tables."""

from __future__ import annotations

from datetime import date

from .indicators import BY_ID, SECTIONS
from .models import ScorecardSnapshot
from .periods import Quarter, current_financial_year, quarters, year_label

# Snapshots taken before a second one needed a reason (migration 0009): each quarter's are
# put in a line, each superseding the one before. Run as the tables' owner, with the triggers
# that freeze snapshots (core.database_roles) held off for the one statement.
LINK_EARLIER_SNAPSHOTS = """
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE reports_scorecardsnapshot DISABLE TRIGGER USER;
UPDATE reports_scorecardsnapshot s
SET supersedes_id = line.before, reason = 'Taken again before a reason was asked for'
FROM (SELECT id, lag(id) OVER (PARTITION BY year, quarter ORDER BY taken_at, id) AS before
      FROM reports_scorecardsnapshot) AS line
WHERE line.id = s.id AND line.before IS NOT NULL;
ALTER TABLE reports_scorecardsnapshot ENABLE TRIGGER USER;
"""

YEARS_OFFERED = 3  # the quarters ended in this financial year and the two before


def quarters_ended(today: date) -> list[Quarter]:
    """Quarters whose last day has passed, newest first: a snapshot is of a whole quarter."""
    this_year = current_financial_year(today)
    return [
        quarter
        for year in range(this_year, this_year - YEARS_OFFERED, -1)
        for quarter in reversed(quarters(year))
        if quarter.end < today
    ]


def quarter_name(quarter: Quarter) -> str:
    """'Q2 Jul - Sep 2026 (2026/27)'."""
    return f"{quarter.label} ({year_label(quarter.year)})"


FILES = ("xlsx", "pdf", "csv")  # stored bytes: read only to be downloaded


def _without_files(*relations: str, figures: bool = False):
    """Snapshots, with who took them and the snapshots ``relations`` name (the ones they
    supersede or are superseded by), without their files, and without their figures unless
    asked for."""
    kept = FILES if figures else (*FILES, "figures")
    return ScorecardSnapshot.objects.select_related("taken_by", *relations).defer(
        *kept, *(f"{relation}__{name}" for relation in relations for name in (*FILES, "figures"))
    )


def snapshot_list():
    return _without_files("superseded_by")


def snapshot_for_page():
    """One snapshot to read: its figures, who took it, and the line it stands in."""
    return _without_files("supersedes", "superseded_by", figures=True)


def current_snapshot(quarter: Quarter) -> ScorecardSnapshot | None:
    """The quarter's snapshot that nothing has superseded."""
    return (
        _without_files()
        .filter(year=quarter.year, quarter=quarter.number, superseded_by__isnull=True)
        .first()
    )


def heading(indicator: str, label: str) -> str:
    """The scorecard's title for an indicator, for snapshots that stored its id."""
    return BY_ID[indicator].heading if indicator in BY_ID else label


def snapshot_sections(snapshot: ScorecardSnapshot) -> dict:
    """The stored figures as the scorecard lays them out: sections, then a table per
    indicator with a row per breakdown (what was stored, whatever the code says now)."""
    figures = snapshot.figures
    by_indicator: dict[str, list[dict]] = {}
    for row in figures["rows"]:
        by_indicator.setdefault(row["indicator"], []).append(row)
    commentary = {(c["section"], c["quarter"]): c["text"] for c in figures.get("commentary", [])}
    trend_labels = list(figures["rows"][0].get("trend", {})) if figures["rows"] else []
    sections = []
    for section in SECTIONS:
        tables = []
        for indicator in section.indicators:
            rows = by_indicator.pop(indicator, [])
            if rows:
                tables.append({
                    "heading": heading(indicator, rows[0]["label"]),
                    "rows": [{"breakdown": row["breakdown"] or "All",
                              "values": [row[f"Q{n}"] for n in (1, 2, 3, 4)] + [row["YTD"]]
                              + [row.get("trend", {}).get(label) for label in trend_labels]}
                             for row in rows],
                })  # fmt: skip
        notes = [(n, commentary[(section.title, f"Q{n}")]) for n in (1, 2, 3, 4)
                 if (section.title, f"Q{n}") in commentary]  # fmt: skip
        sections.append({"title": section.title, "tables": tables, "commentary": notes,
                         # where the section's benchmarks came from, as frozen
                         "notes": figures.get("notes", {}).get(section.title, [])})  # fmt: skip
    return {
        "sections": sections,
        "columns": [*figures["quarters"], "Year to date", *trend_labels],
    }
