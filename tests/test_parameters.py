"""Every report and list page's query parameters, fuzzed: whatever an address carries, the
page answers (a 400 naming the problem at worst), never a 500 or a traceback."""

import random

import pytest

from cases.models import Episode
from tests.cases.factories import ChildFactory, ClosedEpisodeFactory, EpisodeFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "", " ", "0", "-1", "1e9", "99999999999999999999999", "9999/00", "9999", "0001", "10000/01",
    "2017/18", "2017-18", "\u0662\u0660\u0661\u0667", "abc", "\x00", "a\x00b", "x" * 10_000,
    "<script>alert(1)</script>", "' OR '1'='1", "0001-01-01", "9999-12-31", "2024-02-30",
    "2024-13-01", "../../etc/passwd", "%", "[]", "null", "NaN", "inf", "\u202e", "\u200b",
    "6|2017|1|", "9|9999|4|Female", "9|2017|9|", "|||", "12|2017|0|over 18 months",
]  # fmt: skip
CASE_LIST = ["q", "status", "officer", "locality", "school_phase", "time_open", "days_missing",
             "overdue", "presenting_need", "ethnicity_group", "referred_from", "referred_to",
             "figure", "sort", "page", "after", "before"]  # fmt: skip
# (who, address, its parameters); {pk} is a case's.
PAGES = [
    ("manager", "/", ["page", "after", "before", "sort"]),
    ("manager", "/cases/", CASE_LIST),
    ("manager", "/cases/cases.csv", CASE_LIST),
    ("manager", "/cases/closures/", ["page"]),
    ("officer", "/cases/notifications/", ["page"]),
    ("manager", "/cases/{pk}/", ["page", "tab"]),
    ("manager", "/cases/{pk}/history/", ["page"]),
    ("manager", "/cases/{pk}/access-log/", ["page"]),
    ("manager", "/cases/import/", ["page"]),
    ("officer", "/referrals/new/", ["edit"]),
    ("head", "/reports/scorecard/", ["year"]),
    ("head", "/reports/scorecard/download.csv", ["year"]),
    ("head", "/reports/caseload/", ["page"]),
    ("head", "/reports/dfe-return/", ["date", "format"]),
    ("head", "/reports/dfe-return/submit/", ["date"]),
    ("head", "/reports/targets/", ["indicator"]),
    ("head", "/reports/snapshots/", ["page"]),
    ("head", "/reports/snapshots/take/", ["quarter"]),
]


@pytest.fixture
def users(officer, manager, head_of_service):
    return {"officer": officer, "manager": manager, "head": head_of_service}


def _check(client, address, params):
    response = client.get(address, params)
    assert response.status_code in (200, 302, 400), (address, params, response.status_code)
    if response.status_code == 400:
        text = response.content.decode()
        assert "Traceback" not in text
        assert "There is a problem" in text or response["Content-Type"].startswith(
            "application/json"
        ), (address, params)


@pytest.mark.parametrize("who, address, names", PAGES, ids=[p[1] for p in PAGES])
def test_no_parameter_breaks_a_page(who, address, names, client, users):
    episode = EpisodeFactory(child=ChildFactory(surname="Smith"))
    ClosedEpisodeFactory()
    client.raise_request_exception = False
    client.force_login(users[who])
    address = address.format(pk=episode.pk)
    for name in names:
        for value in NASTY:
            _check(client, address, {name: value})
    rng = random.Random(address)  # repeatable
    for _ in range(40):  # several at once, as a tampered link would carry them
        _check(client, address, {name: rng.choice(NASTY) for name in names})
    assert Episode.objects.count() == 2  # and a GET changed nothing
