"""The DfE return, worked by hand on a few children."""

import datetime

import pytest
from django.urls import reverse

from cases.models import ClosureOutcome, MissingReason
from reports.dfe import census_dates, dfe_return
from reports.models import CensusDate
from tests.cases.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CENSUS = D(2025, 1, 16)


@pytest.fixture
def children():
    unknown = MissingReason.objects.get(code="WHEREABOUTS_UNKNOWN")
    awaiting = MissingReason.objects.get(code="AWAITING_PLACE")
    # Born March 2015: aged 9 on 31 August 2024, so Year 5. Missing since 1 December: 46 days.
    EpisodeFactory(child=ChildFactory(gender="FEMALE", date_of_birth=D(2015, 3, 1)),
                   referral_date=D(2024, 12, 1), missing_reason=unknown)  # fmt: skip
    # Born October 2012: 2024 - 2012 = 12, less 1 for a birthday after 31 August: Year 7.
    # Left school 10 January 2024: 372 days.
    EpisodeFactory(child=ChildFactory(gender="MALE", date_of_birth=D(2012, 10, 5)),
                   referral_date=D(2024, 2, 1), left_school_on=D(2024, 1, 10),
                   missing_reason=awaiting)  # fmt: skip
    # Closed before the census date but within the academic year: "any point" only.
    EpisodeFactory(child=ChildFactory(gender="MALE"), referral_date=D(2024, 9, 10),
                   status="CLOSED", closed_on=D(2024, 11, 1),
                   closure_outcome=ClosureOutcome.objects.get(code="FOUND_EHE"))  # fmt: skip
    # Closed in the previous academic year: in nothing.
    EpisodeFactory(child=ChildFactory(), referral_date=D(2024, 3, 1), status="CLOSED",
                   closed_on=D(2024, 7, 1),
                   closure_outcome=ClosureOutcome.objects.get(code="FOUND_EHE"))  # fmt: skip


def test_the_return_at_a_census_date(children):
    result = dfe_return(CENSUS)
    assert result.total == 2
    assert dict(result.by_sex) == {"Male": 1, "Female": 1, "Other": 0, "Not known": 0}
    groups = dict(result.by_year_group)
    assert (groups["Year 5"], groups["Year 7"], groups["Year 6"]) == (1, 1, 0)
    bands = dict(result.by_time_missing)
    assert bands["1 to 3 months"] == 1 and bands["More than 12 months"] == 1
    assert dict(result.by_reason) == {"Whereabouts unknown": 1, "Awaiting a school place": 1}
    assert result.any_point_in_year == 3  # each child once


def test_census_dates_default_to_school_census_days_and_can_be_set():
    assert [day for _, day in census_dates(2024)] == [D(2024, 10, 3), D(2025, 1, 16),
                                                      D(2025, 5, 15)]  # fmt: skip
    CensusDate.objects.create(academic_year=2024, term="SPRING", date=D(2025, 1, 20))
    assert census_dates(2024)[1] == ("Spring", D(2025, 1, 20))


def test_the_page_and_csv(client, children, head_of_service):
    client.force_login(head_of_service)
    url = reverse("reports:dfe_return")
    html = client.get(url, {"date": "2025-01-16"}).content.decode()
    assert "CME at the census date by primary reason" in html
    csv_text = client.get(url, {"date": "2025-01-16", "format": "csv"}).content.decode()
    assert csv_text.splitlines()[1] == "CME at the census date,Total,2"
