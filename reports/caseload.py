"""Caseload aging for team managers: open cases by officer and locality, by time open."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from cases import aging
from cases.models import Enquiry, Episode


@dataclass
class Line:
    label: str
    filters: dict  # the case-list filter that shows exactly these cases
    bands: list[int]
    overdue: int
    total: int

    def link(self, **extra) -> str:
        return reverse("cases:list") + "?" + urlencode({"status": "open", **self.filters, **extra})

    @property
    def cells(self):
        """(count, link) for each time-open band, then cases with overdue enquiries, total."""
        cells = [(count, self.link(time_open=key))
                 for count, (key, *_) in zip(self.bands, aging.TIME_OPEN, strict=True)]  # fmt: skip
        return [*cells, (self.overdue, self.link(overdue="yes")), (self.total, self.link())]


def _open(today: date):
    overdue = Enquiry.objects.filter(
        episode=OuterRef("pk"), completed_on__isnull=True, due_on__lt=today
    )
    return aging.with_bands(Episode.objects.filter(status=Episode.Status.OPEN), today).annotate(
        has_overdue=Exists(overdue)
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
                total=row["total"])  # fmt: skip


def caseload_aging(today: date) -> dict:
    episodes = _open(today)
    officers = []
    rows = episodes.values(
        "allocated_officer", "allocated_officer__first_name", "allocated_officer__last_name",
        "allocated_officer__username",
    ).annotate(**aging_counts()).order_by("allocated_officer__first_name")  # fmt: skip
    for row in rows:
        if row["allocated_officer"] is None:
            officers.append(_line("Unallocated", {"officer": "none"}, row))
        else:
            name = f"{row['allocated_officer__first_name']} {row['allocated_officer__last_name']}"
            officers.append(_line(name.strip() or row["allocated_officer__username"],
                                  {"officer": row["allocated_officer"]}, row))  # fmt: skip
    localities = []
    for row in (
        episodes.values("locality__code", "locality__label", "locality__order")
        .annotate(**aging_counts())
        .order_by("locality__order")
    ):
        code = row["locality__code"]
        localities.append(_line(row["locality__label"] or "No Locality Registered",
                                {"locality": code or "none"}, row))  # fmt: skip
    total = episodes.aggregate(**aging_counts())
    spread_counts = episodes.aggregate(
        **{f"days{i}": Count("pk", filter=Q(days_missing_band=i))
           for i in range(len(aging.DAYS_MISSING))}
    )  # fmt: skip
    base = reverse("cases:list") + "?"
    spread = [
        (
            label,
            spread_counts[f"days{i}"],
            base + urlencode({"status": "open", "days_missing": key}),
        )
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
