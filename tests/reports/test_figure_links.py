"""Every case-level figure on the scorecard opens the list of the cases behind it, and the
list holds exactly as many cases as the figure says: followed as a head of service would,
from the page's links to the case list."""

import datetime
import re
from html import unescape
from urllib.parse import unquote_plus

import pytest
import time_machine

from tests.cases.factories import ChildFactory, EpisodeFactory
from tests.reports.test_scorecard import _enquiry, closed, history  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
LINK = re.compile(r'<a class="govuk-link" href="(/cases/\?figure=[^"]+)">([\d.]+)<span')
SHOWN = re.compile(r"The cases behind the scorecard figure <strong>([^<]+)</strong>: (\d+) case")


def _follow_every_figure(client, year):
    page = client.get("/reports/scorecard/", {"year": year})
    assert page.status_code == 200
    links = LINK.findall(page.content.decode())
    for href, value in links:
        listed = client.get(unescape(href))
        assert listed.status_code == 200
        described, count = SHOWN.search(listed.content.decode()).groups()
        assert int(count) == int(value), (unescape(href), described)
    return links


def test_each_figure_lists_as_many_cases_as_it_counts(client, head_of_service, history):  # noqa: F811
    client.force_login(head_of_service)
    links = _follow_every_figure(client, "2017/18")
    hrefs = {unquote_plus(unescape(href)) for href, _ in links}
    # Quarters, years to date and the years before are all followed; nought is not a link.
    assert "/cases/?figure=1a|2017|3|" in hrefs
    assert "/cases/?figure=6|2017|0|" in hrefs
    assert "/cases/?figure=6|2016|0|" in hrefs  # Cal, active at 31 March 2017
    assert "/cases/?figure=12|2017|4|13-18 months" in hrefs
    assert "/cases/?figure=1a|2017|2|" not in hrefs  # no new referral in Q2
    # Families, shares and medians are not lists of cases.
    assert not any("Families" in h or "median" in h or "|%" in h for h in hrefs)
    assert len(links) > 60


def test_figures_to_date_list_the_cases_as_at_today(client, head_of_service):
    child = ChildFactory(date_of_birth=D(2009, 9, 10))
    closed(ChildFactory(), D(2017, 12, 1), D(2018, 2, 10), "OTHER_LA_ACCEPTED")
    newest = EpisodeFactory(referral_date=D(2018, 1, 15))
    _enquiry(newest, due_on=D(2018, 2, 1))
    EpisodeFactory(child=child, referral_date=D(2017, 2, 25))
    client.force_login(head_of_service)
    with time_machine.travel(datetime.datetime(2018, 2, 20, 12, tzinfo=datetime.UTC)):
        hrefs = {unquote_plus(unescape(h)) for h, _ in _follow_every_figure(client, "2017/18")}
        assert "/cases/?figure=overdue_at_end|2017|4|" in hrefs
        listed = client.get("/cases/", {"figure": "12|2017|4|7-12 months"})
    assert "Active cases by time open: 7-12 months, at 20 February 2018" in unescape(
        listed.content.decode()
    )


def test_a_link_that_names_no_figure_says_so_and_lists_nothing(client, head_of_service):
    EpisodeFactory(referral_date=D(2017, 5, 1))
    client.force_login(head_of_service)
    for bad in ["1a|2017|5|", "1a|2017|3|Families", "median_days_to_close|2017|1|",
                "9|2017|1|Martian", "nonsense", "2|99999|1|Female"]:  # fmt: skip
        response = client.get("/cases/", {"figure": bad})
        html = unescape(response.content.decode())
        assert response.status_code == 200, bad
        assert "There is a problem" in html and "This link names no" in html, bad
        assert "CME0" not in html.split("Cases matching the filters")[1], bad


def test_a_figure_by_area_never_lists_a_case_whose_area_is_withheld(client, manager, officer):
    from cases.models import Area, Family
    from cme_tracker.core import roles
    from tests.conftest import _user_with_role

    aston = Area.objects.get(code="ASTON_BRINSWORTH")
    refuge_family = Family.objects.create()
    refuge_family.addresses.create(line_1="12 Refuge Row", is_sensitive=True)
    hidden = [  # a sensitive case, and a case whose family has a refuge address of its own
        EpisodeFactory(referral_date=D(2017, 5, 1), area=aston, locality=aston.locality,
                       is_sensitive=True),
        EpisodeFactory(child=ChildFactory(family=refuge_family), referral_date=D(2017, 5, 2),
                       area=aston, locality=aston.locality),
    ]  # fmt: skip
    plain = EpisodeFactory(referral_date=D(2017, 5, 3), area=aston, locality=aston.locality)
    figure = {"figure": "10|2017|1|Aston/Brinsworth"}
    head = _user_with_role(roles.HEAD_OF_SERVICE)
    for person, listed in [(head, [plain]), (officer, [plain]), (manager, [*hidden, plain])]:
        client.force_login(person)
        html = client.get("/cases/", figure).content.decode()
        shown = {e for e in [*hidden, plain] if f">{e.reference}</a>" in html}
        assert shown == set(listed), person
        if len(listed) == 1:
            assert "2 cases whose area is withheld from you are counted but not listed" in html
