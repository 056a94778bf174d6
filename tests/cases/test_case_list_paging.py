"""The case list pages by keyset: following Next (or Previous) from the first page lists every
case once, in the order chosen, and a page number typed in gives the same page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cases.models import Episode

from .factories import ChildFactory, EnquiryFactory, EpisodeFactory

SURNAMES = ["Adams", "adams", "Zhou", "Ng", "Ó Briain", "Bell", "Bell", "Bell"]


@pytest.fixture
def cases(db):
    """120 cases (more than two pages), with ties on every key the list sorts by."""
    made = []
    for i in range(120):
        episode = EpisodeFactory(
            child=ChildFactory(surname=SURNAMES[i % len(SURNAMES)]),
            referral_date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 7),
        )
        if i % 3:
            EnquiryFactory(episode=episode, requested_on=dt.date(2025, 2, 1),
                           due_on=dt.date(2025, 2, 1) + dt.timedelta(days=i % 5))  # fmt: skip
        made.append(episode)
    return made


def _expected(sort: str) -> list[int]:
    """The order worked out in Python from the rows, not from the code under test."""
    rows = list(Episode.objects.select_related("child"))
    far = dt.date.max
    keys = {
        "": lambda e: (-e.referral_date.toordinal(), -e.pk),
        "-referral_date": lambda e: (-e.referral_date.toordinal(), -e.pk),
        "referral_date": lambda e: (e.referral_date, e.pk),
        "surname": lambda e: (e.child.surname, e.child_id, e.pk),
        "next_due": lambda e: (e.next_due_on or far, e.pk),
    }
    return [e.pk for e in sorted(rows, key=keys[sort])]


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("sort", ["", "-referral_date", "referral_date", "surname", "next_due"])
def test_next_then_previous_walk_every_case_once_in_order(client, manager, cases, sort):
    from django.db import connection

    if sort == "surname":  # the oracle sorts as Python does: by code point
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'adams' > 'Bell' AND 'Ó Briain' > 'Zhou'")
            if not cursor.fetchone()[0]:
                pytest.skip("this database collates by language, not by code point")
    client.force_login(manager)
    url = reverse("cases:list")
    first = client.get(url, {"sort": sort} if sort else {}).content.decode()
    assert "Page 1 of 3 (120 cases)" in first
    pages, html = [_ids(first)], first
    while (following := _link(html, "next")) is not None:
        html = client.get(url + following).content.decode()
        pages.append(_ids(html))
    assert [pk for page in pages for pk in page] == _expected(sort)
    assert [len(page) for page in pages] == [50, 50, 20]
    assert "Page 3 of 3" in html
    back = client.get(url + _link(html, "prev")).content.decode()
    assert _ids(back) == pages[1] and "Page 2 of 3" in back
    typed = client.get(url, {"page": 2, **({"sort": sort} if sort else {})}).content.decode()
    assert _ids(typed) == pages[1]


def test_filters_hold_across_pages(client, manager, cases):
    """The 80 cases with an enquiry outstanding since 2025 are overdue: two pages of them."""
    client.force_login(manager)
    url = reverse("cases:list")
    html = client.get(url, {"overdue": "yes", "sort": "surname"}).content.decode()
    seen, pages = _ids(html), 1
    while (following := _link(html, "next")) is not None:
        assert "overdue=yes" in following and "sort=surname" in following
        html = client.get(url + following).content.decode()
        seen, pages = seen + _ids(html), pages + 1
    outstanding = {e.pk for e in cases if e.enquiries.filter(completed_on__isnull=True).exists()}
    assert pages == 2 and len(seen) == 80 and set(seen) == outstanding


def test_a_page_names_cases_by_id_only(client, manager, cases):
    """No child's name or date of birth reaches a URL a proxy could log."""
    client.force_login(manager)
    html = client.get(reverse("cases:list"), {"sort": "surname"}).content.decode()
    following = _link(html, "next")
    assert re.fullmatch(r"\?sort=surname&page=2&after=\d+", following)


def test_a_nonsense_page_or_case_shows_a_page_not_an_error(client, manager, cases):
    client.force_login(manager)
    url = reverse("cases:list")
    for query in ({"page": "x"}, {"page": "-3"}, {"after": "nope"}, {"after": "999999999"},
                  {"before": "0"}, {"page": "99"}):  # fmt: skip
        response = client.get(url, query)
        assert response.status_code == 200, query
        assert len(_ids(response.content.decode())) in (50, 20)


def test_a_search_sorted_by_surname_walks_its_own_cases_in_order(client, manager, cases):
    """Bell and Ó Briain both start with "b" (60 cases, and any whose forename does), read a
    page at a time by surname."""
    client.force_login(manager)
    url = reverse("cases:list")
    html = client.get(url, {"q": "b", "sort": "surname"}).content.decode()
    seen = _ids(html)
    while (following := _link(html, "next")) is not None:
        html = client.get(url + following).content.decode()
        seen += _ids(html)

    def starts_with_b(child):  # any of the names (forenames are random: some start with B)
        names = " ".join([child.forename, child.surname, child.preferred_name, child.other_names])
        return any(word.lower().startswith("b") for word in re.split(r"[\W_]+", names))

    found = [e for e in Episode.objects.select_related("child") if starts_with_b(e.child)]
    assert len(found) >= 60
    assert seen == [e.pk for e in sorted(found, key=lambda e: (e.child.surname, e.child_id, e.pk))]


def test_a_page_past_the_end_of_a_list_too_long_to_count_shows_its_first_page(
    client, manager, cases, monkeypatch
):
    from cases import paging

    monkeypatch.setattr(paging, "COUNT_UP_TO", 100)  # 120 cases: "more than 100"
    client.force_login(manager)
    html = client.get(reverse("cases:list"), {"page": "99"}).content.decode()
    assert "more than 100 cases" in html and "No cases match" not in html
    assert _ids(html) == _expected("")[:50] and "Page 1 " in html
