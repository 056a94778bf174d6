"""Done when: a history imported with a cme_reason column gives, at each census date, a
return whose every figure matches the rules. The oracle below reads the file's own rows and
applies the rules as issue 14 states them; it shares no code with reports.dfe."""

import csv
import datetime
import random

import pytest
import time_machine

from cases.bulk.importer import import_file
from reports.dfe import dfe_return
from tests.reports.test_dfe_return import BANDS, DFE_CATEGORIES

pytestmark = pytest.mark.django_db
D = datetime.date
# cme_reason as a council's file might give it, and the DfE category each must count as
REASONS = {
    "UNKNOWN": "Unknown", "mental health": "Mental health",
    "Believed to have moved to another country": "Believed to have moved to another country",
    "WHEREABOUTS_UNKNOWN": "Unknown",  # one of the tracker's first reasons, now retired
    "awaiting_place": "School application awaiting outcome",
    "Moved in from another local authority": "Moved in from another local authority",
    "": "Not recorded", "Not recorded": "Not recorded",
}  # fmt: skip
SEX = {"F": "Female", "M": "Male", "Other": "Unknown", "Not known": "Unknown"}
CATEGORIES = {
    "sex": ["Female", "Male", "Unknown"],
    "year_group": ["Reception", *[f"Year {n}" for n in range(1, 12)], "Unknown"],
    "time_missing": BANDS,
    "reason": DFE_CATEGORIES,
}  # fmt: skip
CENSUS_DATES = [D(2024, 10, 3), D(2025, 1, 16), D(2025, 5, 15)]
LAST_DAY = D(2025, 7, 31)


def _day(rng, first: D, last: D) -> D:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def history(rng, children: int) -> list[dict]:
    rows = []
    for n in range(children):
        child = {"child_ref": f"C{n}", "forename": "Ana", "surname": f"Synthetic{n}",
                 "date_of_birth": _day(rng, D(2007, 6, 1), D(2021, 6, 1)).isoformat(),
                 "gender": rng.choice(list(SEX))}  # fmt: skip
        start = _day(rng, D(2023, 6, 1), D(2025, 5, 31))
        for _ in range(rng.choice([1, 1, 2])):
            closed = start + datetime.timedelta(days=rng.randrange(0, 300))
            if rng.random() < 0.35 or closed > LAST_DAY:
                closed = None
            rows.append({**child, "referral_date": start.isoformat(),
                         "closed_date": closed.isoformat() if closed else "",
                         "closure_outcome": "FOUND_TRANSFERRED_TRACKING" if closed else "",
                         "cme_reason": rng.choice(list(REASONS))})  # fmt: skip
            if closed is None or closed >= LAST_DAY - datetime.timedelta(days=30):
                break
            start = closed + datetime.timedelta(days=rng.randrange(1, 30))
    # Children on every band's edge and closed on the day, at each census date.
    for census in CENSUS_DATES:
        for days in (0, 13, 14, 27, 28, 55, 56, 83, 84, 181, 182, 363, 364):
            ref = f"E{census:%m}{days}"
            rows.append({"child_ref": ref, "forename": "Béla", "surname": f"Edge{ref}",
                         "date_of_birth": "2014-09-01", "gender": "M",
                         "referral_date": (census - datetime.timedelta(days=days)).isoformat(),
                         "closed_date": census.isoformat() if days == 56 else "",
                         "closure_outcome": "FOUND_TRANSFERRED_TRACKING" if days == 56 else "",
                         "cme_reason": "UNKNOWN"})  # fmt: skip
    return rows


def expected(rows: list[dict], census: D) -> dict:
    """The rules of issue 14, applied to the file's rows."""
    counts = {(key, category): 0 for key, names in CATEGORIES.items() for category in names}
    september = D(census.year if census.month >= 9 else census.year - 1, 9, 1)
    total, in_year = 0, set()

    def active_on(row, day):
        closed = row["closed_date"]
        return D.fromisoformat(row["referral_date"]) <= day and (
            not closed or D.fromisoformat(closed) > day
        )

    for row in rows:
        referred = D.fromisoformat(row["referral_date"])
        closed = D.fromisoformat(row["closed_date"]) if row["closed_date"] else None
        if referred <= census and (closed is None or closed > september):
            in_year.add(row["child_ref"])
        if not active_on(row, census):
            continue
        total += 1
        counts["sex", SEX[row["gender"]]] += 1
        born = D.fromisoformat(row["date_of_birth"])
        age = september.year - born.year - (1 if (born.month, born.day) > (8, 31) else 0)
        group = {4: "Reception", **{4 + n: f"Year {n}" for n in range(1, 12)}}.get(age, "Unknown")
        counts["year_group", group] += 1
        days = (census - referred).days
        band = next(label for most, label in ((13, "Less than 2 weeks"), (27, "2 to 4 weeks"),
                    (55, "4 to 8 weeks"), (83, "8 to 12 weeks"), (181, "12 to 26 weeks"),
                    (363, "26 to 52 weeks"), (10**6, "Over 52 weeks")) if days <= most)  # fmt: skip
        counts["time_missing", band] += 1
        counts["reason", REASONS[row["cme_reason"]]] += 1
    counts["total", "Total"] = total
    counts["any_point_in_year", "Total"] = len(in_year)
    return counts


def test_an_imported_history_gives_the_return_the_rules_give(tmp_path):
    rows = history(random.Random(14), children=400)
    path = tmp_path / "history.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with time_machine.travel(datetime.datetime(2025, 8, 1, 12, tzinfo=datetime.UTC), tick=False):
        report = import_file(path, file_name=path.name)
    assert report.imported, report.errors[:5]
    for census in CENSUS_DATES:
        result = dfe_return(census)
        got = {(key, category): count for key, category, count in result.rows()}
        assert got == expected(rows, census), census
        assert result.adds_up() and result.total > 50
