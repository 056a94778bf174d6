"""Bands that caseload aging counts by and the case list filters by: one definition of each,
so a number on the aging page and the list it links to always agree."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

# (key, label, lowest whole months open, highest or None)
TIME_OPEN = [
    ("0-6", "6 months or less", 0, 6),
    ("7-12", "7-12 months", 7, 12),
    ("13-18", "13-18 months", 13, 18),
    ("19+", "over 18 months", 19, None),
]
# Missing education since leaving school, or since referral when that is not known.
MISSING_SINCE = Coalesce("left_school_on", "referral_date")
# (key, label, fewest days, most or None)
DAYS_MISSING = [
    ("0-30", "Up to 30 days", 0, 30),
    ("31-90", "31 to 90 days", 31, 90),
    ("91-182", "91 to 182 days", 91, 182),
    ("183-365", "183 to 365 days", 183, 365),
    ("366+", "Over a year", 366, None),
]


def time_open_q(key: str, today: date) -> Q:
    """Referral dates whose whole months open to ``today`` fall in the band."""
    _, _, low, high = next(band for band in TIME_OPEN if band[0] == key)
    query = Q(referral_date__lte=today - relativedelta(months=low))
    if high is not None:
        query &= Q(referral_date__gt=today - relativedelta(months=high + 1))
    return query


def days_missing_q(key: str, today: date) -> Q:
    """Open cases missing education (from leaving school, or referral) for the band's days."""
    _, _, low, high = next(band for band in DAYS_MISSING if band[0] == key)
    query = Q(missing_since__lte=today - timedelta(days=low))
    if high is not None:
        query &= Q(missing_since__gte=today - timedelta(days=high))
    return query


def with_bands(queryset, today: date):
    """Annotate each episode with the index of its time-open and days-missing bands."""
    queryset = queryset.annotate(missing_since=MISSING_SINCE)
    return queryset.annotate(
        time_open_band=Case(
            *[When(time_open_q(key, today), then=Value(i))
              for i, (key, *_) in enumerate(TIME_OPEN)],
            output_field=IntegerField(),
        ),
        days_missing_band=Case(
            *[When(days_missing_q(key, today), then=Value(i))
              for i, (key, *_) in enumerate(DAYS_MISSING)],
            output_field=IntegerField(),
        ),
    )  # fmt: skip
