"""The scorecard on a small hand-built case history. Every expected value below was worked
out by hand from the definitions in the domain notes, not copied from the code's output."""

import datetime
import json

import pytest
from django.core.management import call_command

from cases.models import Area, ClosureOutcome, Enquiry, EnquiryType, Ethnicity, Locality
from cases.models import OpenToService as Service
from reports.exports import scorecard_csv
from reports.periods import Quarter, financial_year
from reports.scorecard import scorecard
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2018, 11, 23)


def outcome(code):
    return ClosureOutcome.objects.get(code=code)


def closed(child, referred, closed_on, code, **fields):
    return EpisodeFactory(child=child, referral_date=referred, status="CLOSED",
                          closed_on=closed_on, closure_outcome=outcome(code), **fields)  # fmt: skip


@pytest.fixture
def history():
    central = Locality.objects.get(code="CENTRAL")
    family = FamilyFactory()
    ana = ChildFactory(family=family, gender="FEMALE", date_of_birth=D(2010, 1, 15),
                       ethnicity=Ethnicity.objects.get(code="WROM"))  # fmt: skip
    ben = ChildFactory(family=family, gender="MALE", date_of_birth=D(2012, 10, 1), ethnicity=None)
    cal = ChildFactory(gender="MALE", date_of_birth=D(2008, 5, 5),
                       ethnicity=Ethnicity.objects.get(code="WBRI"))  # fmt: skip
    dee = ChildFactory(gender="FEMALE", date_of_birth=D(2011, 3, 3),
                       ethnicity=Ethnicity.objects.get(code="APKN"))  # fmt: skip
    closed(ana, D(2017, 4, 10), D(2017, 8, 15), "OTHER_LA_ACCEPTED", locality=central)
    a2 = EpisodeFactory(child=ana, referral_date=D(2017, 11, 1), locality=central,
                        fsm_at_referral=True, school_phase="PRIMARY")  # fmt: skip
    closed(ben, D(2017, 11, 1), D(2018, 2, 10), "ENQUIRIES_EXHAUSTED", locality=central)
    EpisodeFactory(child=cal, referral_date=D(2016, 12, 1), school_phase="SECONDARY",
                   removal_from_roll_authorised_on=D(2017, 6, 30))  # fmt: skip
    aston = Area.objects.get(code="ASTON_BRINSWORTH")
    d1 = closed(dee, D(2018, 3, 31), D(2018, 3, 31), "LEFT_UK_VERIFIED",
                locality=aston.locality, area=aston)  # fmt: skip
    d1.open_to_services.add(Service.objects.get(code="EARLY_HELP_PARTNERS"))
    Enquiry.objects.create(
        episode=a2, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=D(2017, 11, 2), due_on=D(2017, 11, 9), completed_on=D(2018, 1, 15),
    )  # fmt: skip
    return scorecard(2017, today=TODAY)


def quarters(card, indicator, breakdown=""):
    return card.row(indicator, breakdown).quarters


def test_new_referrals_families_and_previously_cme(history):
    assert quarters(history, "1a") == [1, 0, 2, 1]
    assert history.value("1a") == 4  # a flow: the sum of the quarters
    assert quarters(history, "1a", "Families") == [1, 0, 1, 1]  # Ana and Ben are one family
    assert quarters(history, "1b") == [0, 0, 1, 0]  # Ana's second episode
    assert quarters(history, "2", "Female") == [1, 0, 1, 1]
    assert quarters(history, "2", "Male") == [0, 0, 1, 0]
    assert quarters(history, "3", "Central") == [1, 0, 2, 0]
    assert quarters(history, "3", "South") == [0, 0, 0, 1]
    assert quarters(history, "5", "Asian Pakistani") == [0, 0, 0, 1]
    assert quarters(history, "5", "Not known") == [0, 0, 1, 0]  # Ben: no ethnicity recorded
    assert quarters(history, "open_to", "Early Help Partners") == [0, 0, 0, 1]


def test_active_cases_at_each_quarter_end(history):
    assert quarters(history, "6") == [2, 1, 3, 2]
    assert history.value("6") == 2  # a stock: the latest quarter end
    assert quarters(history, "8") == [1, 1, 1, 1]  # Cal's school authorised on 30 June
    assert quarters(history, "9", "Male") == [1, 1, 2, 1]
    assert quarters(history, "10", "No Locality Registered") == [1, 1, 1, 1]
    assert quarters(history, "10", "Central") == [1, 0, 2, 1]
    assert quarters(history, "11", "Secondary") == [1, 1, 1, 1]
    assert quarters(history, "13") == [0, 0, 1, 1]
    assert quarters(history, "13", "%") == [0.0, 0.0, 33.3, 50.0]


def test_time_open_year_group_ethnicity_and_family_size(history):
    assert quarters(history, "12", "6 months or less") == [2, 0, 2, 1]
    assert quarters(history, "12", "7-12 months") == [0, 1, 1, 0]
    assert quarters(history, "12", "13-18 months") == [0, 0, 0, 1]
    # Cal, born May 2008: Year 4 in 2016/17 (30 June is in it), Year 5 from September 2017.
    assert quarters(history, "year_group", "Year 4") == [1, 0, 0, 0]
    assert quarters(history, "year_group", "Year 5") == [0, 1, 1, 1]
    assert quarters(history, "year_group", "Reception") == [0, 0, 1, 0]  # Ben, born October
    assert quarters(history, "year_group", "Year 2") == [1, 0, 0, 0]  # Ana in 2016/17's year
    assert quarters(history, "year_group", "Year 3") == [0, 0, 1, 1]
    assert quarters(history, "ethnicity", "Gypsy/Roma") == [1, 0, 1, 1]
    assert quarters(history, "family_size", "2 children") == [0, 0, 1, 0]
    assert quarters(history, "family_size", "1 child") == [2, 1, 1, 2]
    assert quarters(history, "family_size", "Total families") == [2, 1, 2, 2]


def test_resolved_outcomes_and_process_measures(history):
    assert quarters(history, "7") == [0, 1, 0, 2]
    assert history.value("7") == 3
    other_la = "Other local authority accepted responsibility"
    assert quarters(history, "closure_outcome", other_la) == [0, 1, 0, 0]
    assert quarters(history, "median_days_to_close") == [None, 127, None, 50.5]
    assert history.value("median_days_to_close") == 101  # of 127, 101 and 0 days
    assert quarters(history, "overdue_at_end") == [0, 0, 1, 0]


def test_direction_of_travel_and_trend(history):
    row = history.row("1a")
    assert row.directions == ["up", "down", "up", "down"]  # Q1 against 2016/17's Q4 (none)
    assert row.trend == [0, 1]  # 2015/16, 2016/17
    assert history.row("6").trend == [0, 1]  # Cal, active at 31 March 2017


def test_a_quarter_not_yet_ended_shows_its_figures_so_far(history):
    card = scorecard(2017, today=D(2017, 11, 20))  # during Q3; Q4 has not begun
    assert quarters(card, "1a") == [1, 0, 2, None]  # flows count so far
    # Stocks as at 20 November: Ana's second case, Ben's (closed in February) and Cal's.
    assert quarters(card, "6") == [2, 1, 3, None]
    assert card.value("6") == 1  # a stock's year to date is the latest quarter end passed
    assert card.to_date == Quarter(2017, 3)
    assert card.quarter_labels[2] == "Q3 Oct - Dec 2017 (to date)"
    assert card.quarter_labels[1] == "Q2 Jul - Sep 2017"
    # Months open to 20 November: Ana and Ben none, Cal (1 December 2016) eleven.
    assert quarters(card, "12", "6 months or less")[2] == 2
    assert quarters(card, "12", "7-12 months")[2] == 1
    # Ana's enquiry was due on 9 November and answered in January: overdue on the 20th.
    assert quarters(card, "overdue_at_end")[2] == 1
    assert card.row("1a").directions[2] is None  # part of a quarter against a whole one
    assert card.row("6").directions[2] == "up"


def _enquiry(episode, due_on, completed_on=None):
    Enquiry.objects.create(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=due_on - datetime.timedelta(days=7), due_on=due_on,
        completed_on=completed_on,
    )  # fmt: skip


def test_an_unfinished_quarter_is_consistent_with_the_year_to_date():
    # Nothing is dated after 20 February 2018, as in real life.
    child = ChildFactory(date_of_birth=D(2009, 9, 10))
    closed(ChildFactory(), D(2017, 5, 1), D(2017, 6, 20), "OTHER_LA_ACCEPTED")  # 50 days
    closed(ChildFactory(), D(2017, 12, 1), D(2018, 2, 10), "OTHER_LA_ACCEPTED")  # 71 days
    newest = EpisodeFactory(referral_date=D(2018, 1, 15))
    _enquiry(newest, due_on=D(2018, 2, 1))  # not answered: overdue on the 20th
    EpisodeFactory(child=child, referral_date=D(2017, 2, 25))
    card = scorecard(2017, today=D(2018, 2, 20))
    assert card.to_date == Quarter(2017, 4)
    assert quarters(card, "1a") == [1, 0, 1, 1] and card.value("1a") == 3
    assert quarters(card, "7") == [1, 0, 0, 1] and card.value("7") == 2
    assert quarters(card, "median_days_to_close") == [50, None, None, 71]
    assert card.value("median_days_to_close") == 60.5  # of 50 and 71: both quarters shown
    assert quarters(card, "6") == [1, 1, 2, 2]
    assert card.value("6") == 2
    # The case referred on 25 February 2017: 11 whole months on 20 February (13 by 31 March).
    assert quarters(card, "12", "7-12 months")[3] == 1
    assert quarters(card, "12", "13-18 months")[3] == 0
    assert quarters(card, "12", "6 months or less")[3] == 1
    assert quarters(card, "overdue_at_end")[3] == 1
    assert quarters(card, "year_group", "Year 3")[3] == 1


def test_a_year_group_to_date_is_the_school_year_of_today(history):
    # 20 August 2017 is still in 2016/17: Cal (born May 2008) is in Year 4 until September.
    card = scorecard(2017, today=D(2017, 8, 20))
    assert quarters(card, "year_group", "Year 4")[1] == 1
    assert quarters(card, "year_group", "Year 5")[1] == 0


@pytest.mark.parametrize(
    "referred, band",
    [  # whole months to 31 March 2018
        (D(2017, 10, 1), "6 months or less"),  # 5
        (D(2017, 9, 30), "6 months or less"),  # 6
        (D(2017, 8, 31), "7-12 months"),  # 7
        (D(2017, 3, 30), "7-12 months"),  # 12: 31 is not before 30
        (D(2017, 2, 28), "13-18 months"),  # 13
        (D(2016, 9, 30), "13-18 months"),  # 18
        (D(2016, 8, 31), "over 18 months"),  # 19
    ],
)
def test_months_open_boundaries(referred, band):
    EpisodeFactory(referral_date=referred)
    card = scorecard(2017, today=TODAY)
    assert quarters(card, "12", band)[3] == 1


@pytest.mark.parametrize(
    "referred, end_quarter, band",
    [  # the end day-of-month before the referral's takes a month off
        (D(2017, 12, 31), Quarter(2018, 1), "6 months or less"),  # to 30 June 2018: 5
        (D(2017, 6, 30), Quarter(2017, 3), "6 months or less"),  # to 31 December: 6
        (D(2017, 5, 31), Quarter(2017, 3), "7-12 months"),  # 7
    ],
)
def test_months_open_across_month_ends(referred, end_quarter, band):
    EpisodeFactory(referral_date=referred)
    card = scorecard(end_quarter.year, today=TODAY)
    assert quarters(card, "12", band)[end_quarter.number - 1] == 1


def test_year_group_boundary_on_31_august():
    EpisodeFactory(child=ChildFactory(date_of_birth=D(2011, 8, 31)), referral_date=D(2018, 1, 8))
    EpisodeFactory(child=ChildFactory(date_of_birth=D(2011, 9, 1)), referral_date=D(2018, 1, 8))
    card = scorecard(2017, today=TODAY)
    # On 31 March 2018 (academic year 2017/18): born 31 August 2011 is the youngest of
    # Year 2; born a day later, the oldest of Year 1.
    assert quarters(card, "year_group", "Year 2")[3] == 1
    assert quarters(card, "year_group", "Year 1")[3] == 1


def test_csv_and_json_outputs(history, tmp_path):
    lines = scorecard_csv(history).splitlines()
    assert lines[0] == ("section,indicator,label,breakdown,Q1,Q2,Q3,Q4,YTD,2015/16 YTD,2016/17 YTD")
    assert "New referrals,1a,New referrals in the period,,1,0,2,1,4,0,1" in lines
    assert ("Current caseload at the quarter end,13,Active cases eligible for free school "
            "meals,%,0,0,33.3,50,50,,0") in lines  # fmt: skip
    out = tmp_path / "card.json"
    call_command("scorecard", year="2017/18", format="json", output=str(out),
                 today=TODAY)  # fmt: skip
    data = json.loads(out.read_text())
    assert data["year"] == "2017/18"
    first = data["rows"][0]
    assert (first["indicator"], first["Q3"], first["YTD"]) == ("1a", 2, 4)


def test_periods():
    assert financial_year("2017/18") == 2017
    with pytest.raises(ValueError):
        financial_year("2017/19")
    q4 = Quarter(2017, 4)
    assert (q4.start, q4.end) == (D(2018, 1, 1), D(2018, 3, 31))
    assert Quarter(2017, 1).previous() == Quarter(2016, 4)


def test_xlsx_has_a_sheet_per_section_with_charts(history):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.exports import scorecard_xlsx

    book = load_workbook(BytesIO(scorecard_xlsx(history)))
    assert book.sheetnames == ["New referrals", "Current caseload", "Resolved"]
    sheet = book["New referrals"]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("All", 1, 0, 2, 1, 4, 0, 1) in rows  # 1a: quarters, YTD, two previous years
    assert sheet.freeze_panes == "B4"
    assert sheet.page_setup.orientation == "landscape"
    assert len(book["Current caseload"]._charts) >= 3  # time open, ethnicity, family size


def test_pdf_is_a4_landscape_with_pages(history):
    import re

    from reports.exports import scorecard_pdf

    pdf = scorecard_pdf(history)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type /Page\b", pdf)
    assert len(pages) >= 3  # a page or more per section
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # A4, landscape


def test_first_enquiry_within_five_working_days(history):
    # Ana's second episode had its first enquiry the next day; the other referrals none.
    assert quarters(history, "first_enquiry_5_days") == [0.0, None, 50.0, 0.0]
    assert history.value("first_enquiry_5_days") == 25.0  # 1 of the year's 4


@pytest.mark.parametrize("requested, counts", [(D(2025, 12, 29), True), (D(2025, 12, 30), False)])
def test_five_working_days_skip_christmas(requested, counts):
    # Referred Thursday 18 December 2025: five working days later is Monday 29 December.
    episode = EpisodeFactory(referral_date=D(2025, 12, 18))
    Enquiry.objects.create(
        episode=episode, enquiry_type=EnquiryType.objects.get(code="S2S"), made_to="S2S",
        requested_on=requested, due_on=requested,
    )  # fmt: skip
    card = scorecard(2025, today=D(2026, 4, 30))
    assert quarters(card, "first_enquiry_5_days")[2] == (100.0 if counts else 0.0)


def test_headings_carry_the_seed_scorecards_numbers_and_no_internal_names():
    from reports.indicators import BY_ID

    assert BY_ID["1a"].heading == "1a. New referrals in the period"
    assert BY_ID["presenting_need"].heading == "New referrals by presenting need"


def test_a_share_with_no_active_cases_at_the_year_end_is_blank_not_nought():
    # One case, active only at 30 June 2016: 2016/17 ends with nobody to take a share of.
    closed(ChildFactory(), D(2016, 5, 1), D(2016, 8, 1), "LEFT_UK_VERIFIED", fsm_at_referral=True)
    card = scorecard(2017, today=TODAY)
    assert card.row("13", "%").trend == [None, None]  # 2015/16 and 2016/17 ended with none
    assert card.row("13").trend == [0, 0]


def test_commentary_is_in_the_csv_and_the_workbook(history, head_of_service):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.exports import scorecard_xlsx
    from reports.services import commentary_save

    commentary_save(year=2017, quarter=3, section="Resolved cases", by=head_of_service,
                    text="=Fewer closures: two officers were on leave.")  # fmt: skip
    card = scorecard(2017, today=TODAY)
    lines = scorecard_csv(card).splitlines()
    # Under Q3's column, in the Resolved cases section, before its figures; kept as text.
    assert (
        "Resolved cases,commentary,Performance analysis,,,,'=Fewer closures: two officers "
        "were on leave.,,,," in lines
    )
    assert lines.index("Resolved cases,commentary,Performance analysis,,,,'=Fewer closures: two"
                       " officers were on leave.,,,,") < [
        n for n, line in enumerate(lines) if line.startswith("Resolved cases,7,")][0]  # fmt: skip
    assert not any(line.startswith("New referrals,commentary") for line in lines)
    book = load_workbook(BytesIO(scorecard_xlsx(card)))
    rows = list(book["Resolved"].iter_rows(values_only=True))
    assert rows[3][0] == "Performance analysis"
    assert rows[4][:2] == ("Q3", "=Fewer closures: two officers were on leave.")
    assert book["Resolved"]["B5"].data_type == "s"  # text, never a formula
    assert all(row[0] != "Performance analysis" for row in book["New referrals"].iter_rows(
        values_only=True))  # fmt: skip
