"""Caseload aging for team managers: open cases by officer and locality, by time open."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse

from cases import aging, reviews
from cases.models import Episode, Locality
from cases.selectors import has_overdue_q, overdue_tasks_by


@dataclass
class Line:
    label: str
    filters: dict  # the case-list filter that shows exactly these cases
    bands: list[int]
    overdue: int
    total: int
    reviews_due: int = 0
    tasks_overdue: int = 0

    def link(self, **extra) -> str:
        return reverse("cases:list") + "?" + urlencode({"status": "open", **self.filters, **extra})

    @property
    def cells(self):
        """(count, link) for each time-open band, then cases with overdue enquiries, with
        overdue reminders or tasks, due a manager's review, total."""
        cells = [(count, self.link(time_open=key))
                 for count, (key, *_) in zip(self.bands, aging.TIME_OPEN, strict=True)]  # fmt: skip
        return [*cells, (self.overdue, self.link(overdue="yes")),
                (self.tasks_overdue, self.link(task="overdue")),
                (self.reviews_due, self.link(review="due")), (self.total, self.link())]  # fmt: skip


def _open(today: date):
    """Open cases with their bands, and whether an enquiry is overdue (from the next due date
    the database keeps: no enquiry is read)."""
    return aging.with_bands(Episode.objects.filter(status=Episode.Status.OPEN), today).annotate(
        has_overdue=ExpressionWrapper(has_overdue_q(today), output_field=BooleanField())
    )


def _open_with_reviews(today: date):
    """``_open``, and whether each case is due a manager's review (``cases.reviews``)."""
    return _open(today).annotate(
        review_due=ExpressionWrapper(reviews.due_q(today), output_field=BooleanField())
    )


def aging_counts():
    """Cases in each time-open band, with an overdue enquiry, and in all."""
    return {
        **{
            f"band{i}": Count("pk", filter=Q(time_open_band=i)) for i in range(len(aging.TIME_OPEN))
        },
        "overdue": Count("pk", filter=Q(has_overdue=True)),
        "total": Count("pk"),
    }


def _line(label, filters, row) -> Line:
    bands = [row[f"band{i}"] for i in range(len(aging.TIME_OPEN))]
    return Line(label=label, filters=filters, bands=bands, overdue=row["overdue"],
                total=row["total"], reviews_due=row.get("reviews_due", 0),
                tasks_overdue=row.get("tasks_overdue", 0))  # fmt: skip


def _empty() -> dict:
    bands = {f"band{i}": 0 for i in range(len(aging.TIME_OPEN))}
    return {**bands, "overdue": 0, "reviews_due": 0, "tasks_overdue": 0, "total": 0,
            "days": [0] * len(aging.DAYS_MISSING)}  # fmt: skip


def _summed(cells, key) -> dict:
    """The grouped cells added up by ``key`` (officer, locality, or everything)."""
    lines: dict = {}
    for cell in cells:
        line = lines.setdefault(key(cell), _empty())
        if cell["time_open_band"] is not None:
            line[f"band{cell['time_open_band']}"] += cell["n"]
        if cell["days_missing_band"] is not None:
            line["days"][cell["days_missing_band"]] += cell["n"]
        line["overdue"] += cell["n"] if cell["has_overdue"] else 0
        line["reviews_due"] += cell["n"] if cell["review_due"] else 0
        line["total"] += cell["n"]
    return lines


def _add_tasks(lines: dict, tasks: list[dict], key: str) -> None:
    """Cases with an overdue reminder or task, into the lines they belong to."""
    for row in tasks:
        if row[key] in lines:
            lines[row[key]]["tasks_overdue"] += row["n"]


def caseload_aging(today: date) -> dict:
    """One pass over the open cases, grouped by officer, locality and band; each table is the
    groups added up."""
    cells = list(_open_with_reviews(today).values("allocated_officer", "locality",
                                                  "time_open_band", "days_missing_band",
                                                  "has_overdue", "review_due")
                 .annotate(n=Count("pk")).order_by())  # fmt: skip
    tasks = overdue_tasks_by(today, "allocated_officer", "locality")
    by_officer = _summed(cells, lambda cell: cell["allocated_officer"])
    _add_tasks(by_officer, tasks, "episode__allocated_officer")
    people = get_user_model().objects.in_bulk([pk for pk in by_officer if pk is not None])
    officers = []
    for pk in sorted(by_officer, key=lambda pk: (pk is None, people[pk].first_name if pk else "")):
        if pk is None:
            officers.append(_line("Unallocated", {"officer": "none"}, by_officer[pk]))
        else:
            name = f"{people[pk].first_name} {people[pk].last_name}".strip()
            officers.append(_line(name or people[pk].username, {"officer": pk}, by_officer[pk]))
    by_locality = _summed(cells, lambda cell: cell["locality"])
    _add_tasks(by_locality, tasks, "episode__locality")
    places = Locality.objects.in_bulk([pk for pk in by_locality if pk is not None])
    localities = [
        _line(places[pk].label if pk else "No Locality Registered",
              {"locality": places[pk].code if pk else "none"}, by_locality[pk])
        for pk in sorted(by_locality, key=lambda pk: (pk is None, places[pk].order if pk else 0))
    ]  # fmt: skip
    total = _summed(cells, lambda cell: "all").get("all", _empty())
    total["tasks_overdue"] = sum(row["n"] for row in tasks)
    base = reverse("cases:list") + "?"
    spread = [
        (label, total["days"][i], base + urlencode({"status": "open", "days_missing": key}))
        for i, (key, label, *_) in enumerate(aging.DAYS_MISSING)
    ]
    oldest = Episode.objects.filter(status=Episode.Status.OPEN).select_related(
        "child", "allocated_officer", "locality"
    ).order_by("referral_date", "pk")[:10]  # fmt: skip
    return {
        "officers": officers,
        "localities": localities,
        "total": _line("All open cases", {}, total),
        "spread": spread,
        "oldest": list(oldest),
        "bands": [label for _, label, *_ in aging.TIME_OPEN],
    }
