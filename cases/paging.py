"""Keyset pagination for the case lists, so page 2,000 costs what page 1 does.

A page's Next link names its last case (``after=<id>``) and Previous its first
(``before=<id>``): ids only, so no child's name or date reaches a URL. The page reads the
sort key of that case, then the next cases in key order from an index range. A page number
without a case named (an old link, or one typed) is read by offset instead: correct, and as
fast as the index allows. Either way the page holds ids in order; ``rows`` fetches just
those with everything the table shows.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.http import QueryDict


@dataclass(frozen=True)
class Sort:
    """Cases in the order of ``keys`` (all ascending, or all descending), the last one unique."""

    label: str
    keys: tuple[str, ...]
    descending: bool = False
    aliases: dict = field(default_factory=dict)  # expressions the keys name

    def ordering(self, reverse: bool = False) -> list:
        down = self.descending != reverse
        return [F(key).desc() if down else F(key).asc() for key in self.keys]

    def beyond(self, values: tuple, reverse: bool = False) -> Q:
        """Cases after the one whose key is ``values`` in this order (before it, reversed):
        a row comparison, ``(k1, k2) > (v1, v2)``, which PostgreSQL reads as a range of an
        index on the keys. The first key's bound is said on its own as well, for a key on
        another table (a child's surname), whose index the comparison cannot use."""
        down = self.descending != reverse
        loose = "lte" if down else "gte"
        return Q(**{f"{self.keys[0]}__{loose}": values[0]}) & Q(
            _RowCompare(self.keys, values, "<" if down else ">")
        )


class _RowCompare(Func):
    """``(a, b, c) > (x, y, z)``: SQL's row comparison, which Django's ORM does not offer."""

    output_field = BooleanField()

    def __init__(self, keys, values, operator: str):
        self.operator = operator
        super().__init__(*[F(key) for key in keys], *[Value(value) for value in values])

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        half = len(compiled) // 2
        left = ", ".join(sql for sql, _ in compiled[:half])
        right = ", ".join(sql for sql, _ in compiled[half:])
        return f"({left}) {self.operator} ({right})", [p for _, ps in compiled for p in ps]


# Counting a million cases takes as long as reading them all; past this many a list says
# "more than 1,000" instead (a scorecard figure's cases are always counted exactly).
COUNT_UP_TO = 1_000


class Paginator:
    """What the page template asks of Django's paginator: the count and number of pages;
    ``count`` is None when there are more than ``more_than`` (not counted further)."""

    def __init__(self, count: int | None, per_page: int, more_than: int = COUNT_UP_TO):
        self.count = count
        self.more_than = more_than
        self.num_pages = None if count is None else max(1, math.ceil(count / per_page))


def count_up_to(queryset: QuerySet, limit: int | None) -> int | None:
    """How many rows, or None if more than ``limit``; exact when ``limit`` is None."""
    if limit is None:
        return queryset.count()
    try:
        sql, params = queryset.order_by().values("pk")[: limit + 1].query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (.none())
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS rows", params)  # noqa: S608
        found = cursor.fetchone()[0]
    return None if found > limit else found


@dataclass
class Page:
    ids: list[int]
    number: int
    paginator: Paginator
    has_previous: bool
    has_next: bool
    previous_href: str = ""
    next_href: str = ""
    object_list: list = field(default_factory=list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def _number(value, default: int = 1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def page_of(queryset: QuerySet, sort: Sort, params: QueryDict, *, per_page: int,
            rows: Callable[[list[int]], list], count_up_to_limit: int | None = COUNT_UP_TO,
            count: int | None = None) -> Page:  # fmt: skip
    """The page ``params`` asks for (``after``, ``before`` or ``page``) of ``queryset``,
    counted up to ``count_up_to_limit`` (None: exactly) unless the caller knows ``count``, or
    a first page shows it all (a search, mostly: then it is not counted again)."""
    cases = queryset.alias(**sort.aliases)

    def first_ids(start: int = 0) -> list:
        return list(cases.order_by(*sort.ordering()).values_list("pk", flat=True)
                    [start : start + per_page + 1])  # fmt: skip

    number = _number(params.get("page"))
    anchor_id = _number(params.get("after") or params.get("before"), default=0)
    backwards = bool(params.get("before")) and not params.get("after")
    anchor = (
        cases.model.objects.filter(pk=anchor_id).annotate(**sort.aliases)
        .values_list(*sort.keys).first() if anchor_id else None
    )  # fmt: skip
    ids = None
    if count is None and anchor is None and number == 1:
        ids = first_ids()
        if len(ids) <= per_page:
            count = len(ids)
    if count is None:
        count = count_up_to(queryset, count_up_to_limit)
    if anchor is not None:
        ids = list(cases.filter(sort.beyond(anchor, reverse=backwards))
                   .order_by(*sort.ordering(reverse=backwards))
                   .values_list("pk", flat=True)[: per_page + 1])  # fmt: skip
        more = len(ids) > per_page
        ids = ids[:per_page]
        if backwards:
            ids.reverse()
            has_previous, has_next = more, True
        else:
            has_previous, has_next = True, more
    else:
        if count is not None:
            number = min(number, max(1, math.ceil(count / per_page)))
        if ids is None:
            ids = first_ids((number - 1) * per_page)
        if not ids and number > 1:  # past the end of a list too long to count: its first page
            number = 1
            ids = first_ids()
        has_previous, has_next = number > 1, len(ids) > per_page
        ids = ids[:per_page]
    page = Page(ids=ids, number=number,
                paginator=Paginator(count, per_page, count_up_to_limit or 0),
                has_previous=has_previous and bool(ids),
                has_next=has_next and bool(ids))  # fmt: skip
    if ids:
        page.previous_href = _href(params, page=number - 1, before=ids[0])
        page.next_href = _href(params, page=number + 1, after=ids[-1])
    page.object_list = rows(ids)
    return page


def _href(params: QueryDict, **changes) -> str:
    query = params.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()
