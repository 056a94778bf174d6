"""The DfE return in the DfE's categories, worked by hand from the rules in issue 14.

Census date 16 January 2025, in academic year 2024/25 (from 1 September 2024). Year groups
go by age on 31 August 2024: Reception is born 1 September 2019 to 31 August 2020, Year 11
born 1 September 2008 to 31 August 2009. Days missing are counted on a calendar by hand.
"""

import datetime

import pytest

from cases.models import ClosureOutcome, DfeReason, MissingReason
from reports.dfe import census_dates, dfe_return, to_fix
from reports.models import CensusDate
from tests.cases.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CENSUS = D(2025, 1, 16)
DFE_CATEGORIES = [
    "Moved in from another local authority", "Moved in from another country",
    "School application awaiting outcome", "Offered school place but not yet accepted",
    "Waiting school start", "Did not get school preference",
    "Unsuitable elective home education", "Difficulty accessing suitable school place",
    "School dissatisfaction general", "School dissatisfaction SEND", "Mental health",
    "Physical health", "Parental decision not to register at school",
    "Did not apply for school place at compulsory school age",
    "Challenging school attendance order",
    "Believed to have moved to another local authority",
    "Believed to have moved to another country", "Unknown", "Not recorded", "Other",
]  # fmt: skip
BANDS = ["Less than 2 weeks", "2 to 4 weeks", "4 to 8 weeks", "8 to 12 weeks",
         "12 to 26 weeks", "26 to 52 weeks", "Over 52 weeks", "Unknown"]  # fmt: skip


def closed(**fields):
    outcome = ClosureOutcome.objects.get(code="FOUND_EHE")
    return EpisodeFactory(status="CLOSED", closure_outcome=outcome, **fields)


# (missing since, days to 16 January 2025 counted by hand, band)
BOUNDARIES = [
    (D(2025, 1, 16), 0, "Less than 2 weeks"),
    (D(2025, 1, 3), 13, "Less than 2 weeks"),
    (D(2025, 1, 2), 14, "2 to 4 weeks"),
    (D(2024, 12, 20), 27, "2 to 4 weeks"),
    (D(2024, 12, 19), 28, "4 to 8 weeks"),
    (D(2024, 11, 22), 55, "4 to 8 weeks"),
    (D(2024, 11, 21), 56, "8 to 12 weeks"),
    (D(2024, 10, 25), 83, "8 to 12 weeks"),
    (D(2024, 10, 24), 84, "12 to 26 weeks"),
    (D(2024, 7, 19), 181, "12 to 26 weeks"),
    (D(2024, 7, 18), 182, "26 to 52 weeks"),
    (D(2024, 1, 19), 363, "26 to 52 weeks"),  # 2024 is a leap year
    (D(2024, 1, 18), 364, "Over 52 weeks"),
    (D(2019, 5, 1), 2087, "Over 52 weeks"),
]


@pytest.mark.parametrize(("since", "days", "band"), BOUNDARIES)
def test_each_band_boundary_from_the_referral_date(since, days, band):
    assert (CENSUS - since).days == days  # the hand count, checked once
    EpisodeFactory(referral_date=since)
    expected = {label: int(label == band) for label in BANDS}
    assert dict(dfe_return(CENSUS).by_time_missing) == expected


def test_time_missing_runs_from_leaving_the_last_school_where_known():
    # Referred 10 January 2025 (6 days), but left school 18 January 2024: 364 days.
    EpisodeFactory(referral_date=D(2025, 1, 10), left_school_on=D(2024, 1, 18))
    assert dict(dfe_return(CENSUS).by_time_missing)["Over 52 weeks"] == 1


def test_sex_in_the_dfe_categories():
    for gender in ("FEMALE", "FEMALE", "MALE", "OTHER", "NOT_KNOWN"):
        EpisodeFactory(child=ChildFactory(gender=gender), referral_date=D(2024, 12, 1))
    assert dfe_return(CENSUS).by_sex == [("Female", 2), ("Male", 1), ("Unknown", 2)]


@pytest.mark.parametrize(
    ("born", "group"),
    [
        (D(2020, 8, 31), "Reception"),  # youngest in Reception
        (D(2019, 9, 1), "Reception"),  # oldest in Reception
        (D(2019, 8, 31), "Year 1"),
        (D(2015, 3, 1), "Year 5"),
        (D(2009, 8, 31), "Year 11"),
        (D(2008, 9, 1), "Year 11"),  # oldest in Year 11
        (D(2020, 9, 1), "Unknown"),  # nursery age
        (D(2008, 8, 31), "Unknown"),  # Year 12
    ],
)
def test_year_groups_at_the_edges(born, group):
    EpisodeFactory(child=ChildFactory(date_of_birth=born), referral_date=D(2024, 12, 1))
    groups = dict(dfe_return(CENSUS).by_year_group)
    assert list(groups) == ["Reception", *[f"Year {n}" for n in range(1, 12)], "Unknown"]
    assert groups == {label: int(label == group) for label in groups}


def test_active_at_the_census_date_and_at_any_point_in_the_year():
    twice = ChildFactory()
    closed(child=twice, referral_date=D(2024, 9, 10), closed_on=D(2024, 10, 1))
    EpisodeFactory(child=twice, referral_date=D(2024, 11, 1))  # active: 1
    closed(referral_date=D(2024, 12, 1), closed_on=CENSUS)  # closed on the day: not active
    closed(referral_date=D(2024, 12, 1), closed_on=D(2025, 1, 17))  # closed after: active
    EpisodeFactory(referral_date=CENSUS)  # referred on the day: active
    EpisodeFactory(referral_date=D(2025, 1, 17))  # referred after: in nothing
    closed(referral_date=D(2024, 3, 1), closed_on=D(2024, 9, 1))  # closed as the year began
    closed(referral_date=D(2024, 3, 1), closed_on=D(2024, 9, 2))  # open on 1 September
    result = dfe_return(CENSUS)
    assert result.total == 3
    # twice (once), closed on the census date, closed after, referred on the day, 2 September
    assert result.any_point_in_year == 5
    assert result.year_label == "2024/25"


def test_reasons_in_the_dfe_categories_every_one_listed():
    local = MissingReason.objects.create(
        code="FAMILY_TRAVELLING", label="Family travelling",
        dfe_reason=DfeReason.objects.get(code="UNKNOWN"),
    )  # fmt: skip
    first = MissingReason.objects.get(code="WHEREABOUTS_UNKNOWN")  # retired, mapped by 0019
    for reason in (local, first, MissingReason.objects.get(code="MENTAL_HEALTH"), None):
        EpisodeFactory(referral_date=D(2024, 12, 1), missing_reason=reason)
    result = dfe_return(CENSUS)
    assert [label for label, _ in result.by_reason] == DFE_CATEGORIES
    expected = dict.fromkeys(DFE_CATEGORIES, 0)
    expected.update({"Unknown": 2, "Mental health": 1, "Not recorded": 1})
    assert dict(result.by_reason) == expected
    assert result.adds_up()


def test_not_recorded_is_listed_even_when_retired_and_retired_reasons_only_while_used():
    DfeReason.objects.filter(code__in=["NOT_RECORDED", "CHALLENGING_SAO"]).update(is_active=False)
    labels = [label for label, _ in dfe_return(CENSUS).by_reason]
    assert "Not recorded" in labels and "Challenging school attendance order" not in labels
    EpisodeFactory(referral_date=D(2024, 12, 1),
                   missing_reason=MissingReason.objects.get(code="CHALLENGING_SAO"))  # fmt: skip
    assert ("Challenging school attendance order", 1) in dfe_return(CENSUS).by_reason


def test_the_cross_table_puts_each_case_under_its_reason_and_band():
    unknown = MissingReason.objects.get(code="UNKNOWN")
    EpisodeFactory(referral_date=D(2024, 1, 18), missing_reason=unknown)  # 364 days
    EpisodeFactory(referral_date=D(2025, 1, 10), missing_reason=unknown)  # 6 days
    EpisodeFactory(referral_date=D(2024, 1, 18))  # no reason, 364 days
    cross = {reason: (counts, total) for reason, counts, total
             in dfe_return(CENSUS).reasons_by_time_missing}  # fmt: skip
    assert cross["Unknown"] == ([1, 0, 0, 0, 0, 0, 1, 0], 2)
    assert cross["Not recorded"] == ([0, 0, 0, 0, 0, 0, 1, 0], 1)
    assert cross["Other"] == ([0] * 8, 0)


def test_a_category_the_dfe_adds_is_listed_and_local_reasons_remap_to_it():
    added = DfeReason.objects.create(code="YOUNG_CARER", label="Young carer", order=175)
    local = MissingReason.objects.get(code="OTHER")
    EpisodeFactory(referral_date=D(2024, 12, 1), missing_reason=local)
    local.dfe_reason = added
    local.save()
    by_reason = dfe_return(CENSUS).by_reason
    assert ("Young carer", 1) in by_reason and ("Other", 0) in by_reason
    assert len(by_reason) == 21


def test_what_to_fix_first():
    young = EpisodeFactory(child=ChildFactory(date_of_birth=D(2020, 8, 31)),
                           referral_date=D(2024, 12, 1),
                           missing_reason=MissingReason.objects.get(code="UNKNOWN"))  # fmt: skip
    old = EpisodeFactory(child=ChildFactory(date_of_birth=D(2008, 8, 31)),
                         referral_date=D(2024, 11, 1),
                         missing_reason=MissingReason.objects.get(code="UNKNOWN"))  # fmt: skip
    # Year 11 and of compulsory school age until the last Friday of June 2025; no reason.
    no_reason = EpisodeFactory(child=ChildFactory(date_of_birth=D(2008, 9, 1)),
                               referral_date=D(2024, 12, 1))  # fmt: skip
    outside, reasonless = to_fix(dfe_return(CENSUS))
    assert (outside.count, [e.pk for e in outside.episodes]) == (2, [old.pk, young.pk])
    assert (reasonless.count, [e.pk for e in reasonless.episodes]) == (1, [no_reason.pk])


def test_census_dates_default_to_school_census_days_and_can_be_set():
    assert [day for _, day in census_dates(2024)] == [D(2024, 10, 3), D(2025, 1, 16),
                                                      D(2025, 5, 15)]  # fmt: skip
    CensusDate.objects.create(academic_year=2024, term="SPRING", date=D(2025, 1, 20))
    assert census_dates(2024)[1] == ("Spring", D(2025, 1, 20))


def test_the_default_reason_list_is_the_dfe_categories_less_not_recorded():
    offered = list(MissingReason.objects.filter(is_active=True).values_list("label", flat=True))
    assert offered == [label for label in DFE_CATEGORIES if label != "Not recorded"]
    mapped = {r.code: r.dfe_reason.code for r in MissingReason.objects.select_related("dfe_reason")}
    assert mapped["WHEREABOUTS_UNKNOWN"] == "UNKNOWN"
    assert mapped["AWAITING_PLACE"] == "APPLICATION_AWAITING_OUTCOME"
    assert mapped["NEW_ARRIVAL_NOT_APPLIED"] == "DID_NOT_APPLY"
    assert all(mapped[code] == code for code in mapped if DfeReason.objects.filter(code=code))
