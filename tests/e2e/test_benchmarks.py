"""In Chromium: a head of service loads the DfE's published CME figures, first a broken file
(every problem named by its line, nothing loaded), then the right one, and reads the return
beside England, the region and the statistical neighbours. axe-core on every page."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cme_tracker.core import roles
from reports.models import BenchmarkFigure, BenchmarkSettings
from tests.cases.factories import ChildFactory, EpisodeFactory
from tests.core.factories import UserFactory
from tests.e2e.forms import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
FIXTURE = Path(__file__).parent.parent / "reports" / "fixtures" / "dfe_cme_census.csv"


def test_a_head_of_service_loads_the_dfe_figures_and_reads_the_return_beside_them(
    journey, people, tmp_path
):
    head = UserFactory(username="head", first_name="Pat", last_name="Reid")
    head.groups.add(Group.objects.get(name=roles.HEAD_OF_SERVICE))
    BenchmarkSettings.objects.create(la_code="901", statistical_neighbours=["902", "903", "904"])
    EpisodeFactory(child=ChildFactory(date_of_birth=datetime.date(2014, 5, 1)),
                   referral_date=datetime.date(2025, 9, 1))  # fmt: skip
    broken = tmp_path / "broken.csv"
    broken.write_text(FIXTURE.read_text().replace(",120,100,0.3", ",120,100,lots"))
    page = journey.page
    journey.sign_in("head")
    journey.go("/reports/benchmarks/")
    expect(page.get_by_text("No DfE figures are loaded yet.")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("The DfE's published file").set_input_files(str(broken))
    fill_date(page, "id_published_on", datetime.date(2026, 3, 12))
    page.get_by_role("button", name="Check and load").click()
    expect(page.get_by_text("Line 16: rate_per_100 is 'lots'")).to_be_visible()
    journey.check_accessibility()
    assert not BenchmarkFigure.objects.exists()
    page.get_by_label("The DfE's published file").set_input_files(str(FIXTURE))
    fill_date(page, "id_published_on", datetime.date(2026, 3, 12))
    page.get_by_role("button", name="Check and load").click()
    expect(page.get_by_text("Loaded: Summer term 2024/25, Autumn term 2025/26.")).to_be_visible()
    expect(page.get_by_role("table", name="Terms loaded")).to_contain_text(
        "Published 12 March 2026"
    )
    journey.check_accessibility()
    journey.go("/reports/dfe-return/?date=2025-10-02")
    expect(page.get_by_text("3 of 4 local authorities with a published rate")).to_be_visible()
    total = page.get_by_role("table", name="CME at the census date: rate per 100 children")
    expect(total).to_contain_text("0.42")  # England's, beside the live figure
    expect(page.get_by_role("table", name="Published rate per 100 children aged 5 to 16, "
                            "term by term")).to_contain_text("Summer term 2024/25")  # fmt: skip
    journey.check_accessibility()
