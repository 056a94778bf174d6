"""The DfE's published CME figures: loading them, and the council beside them.

The fixture (fixtures/dfe_cme_census.csv) is written by hand in the published format, with
the DfE's markers and rounding. Every expected figure below is worked from it by hand:

- Autumn term 2025/26, the council (901, E08000901, North West): 120 children, rate 0.3,
  so its population is estimated as 120 / 0.3 x 100 = 40,000. Summer term 2024/25: 100 at
  0.26, 38,461.5, so 38,462.
- Its neighbours 902, 903, 904 and 905: the autumn total rate is 0.5, 0.25, x and absent,
  so the mean is (0.5 + 0.25) / 2 = 0.375 of 2 of 4; the Female share 45, x, x and absent:
  45 of 1 of 4.
- Local authorities with an autumn rate: 0.1, 0.25, 0.3 (the council), 0.5: it is 3rd of 4.
"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import benchmarks
from reports.benchmark_loading import load
from reports.dfe import dfe_return
from reports.models import (
    BenchmarkFigure,
    BenchmarkPeriod,
    BenchmarkRelease,
    BenchmarkSettings,
    ChildPopulation,
)
from tests.cases.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
FIXTURE = Path(__file__).parent / "fixtures" / "dfe_cme_census.csv"
PUBLISHED = D(2026, 3, 12)
AUTUMN_2025 = D(2025, 10, 2)  # the first Thursday of October 2025: the autumn census


def load_text(text: str, published=PUBLISHED, name="cme.csv"):
    return load(io.BytesIO(text.encode()), file_name=name, published_on=published)


def fixture_text() -> str:
    return FIXTURE.read_text()


def figure(la: str, topic: str, breakdown: str, term="Autumn term") -> BenchmarkFigure:
    return BenchmarkFigure.objects.get(old_la_code=la, topic=topic, breakdown=breakdown,
                                       period__term=term)  # fmt: skip


@pytest.fixture
def loaded():
    result = load_text(fixture_text())
    assert result.loaded, result.problems
    BenchmarkSettings.objects.create(
        la_code="901", statistical_neighbours=["902", "903", "904", "905"]
    )
    return result


def test_every_line_is_loaded_by_term():
    result = load_text(fixture_text())
    assert result.loaded and result.rows == 26
    assert result.added == ["Summer term 2024/25", "Autumn term 2025/26"]
    assert BenchmarkFigure.objects.count() == 26
    assert BenchmarkPeriod.objects.get(term="Autumn term").release.published_on == PUBLISHED


def test_markers_are_kept_as_markers_never_as_zero(loaded):
    low = figure("901", "Sex", "Unknown")
    assert (low.child_count, low.child_count_marker) == (None, "low")
    assert (low.child_percent, low.child_percent_marker) == (None, "low")
    assert (low.rate_per_100, low.rate_marker) == (None, "z")
    missing = figure("904", "Total", "Total")
    assert (missing.child_count, missing.child_count_marker, missing.rate_marker) == (
        None,
        "x",
        "x",
    )
    counted = figure("901", "Total", "Total")
    assert (counted.child_count, counted.rate_per_100, counted.rate_marker) == (
        120,
        Decimal("0.3"),
        "",
    )


def test_a_broken_file_is_refused_with_its_lines_named_and_nothing_loaded():
    lines = fixture_text().splitlines()
    lines[2] = lines[2].replace("202425", "2024")  # line 3
    lines[3] = lines[3].replace(",100,100,0.26", ",-5,100,0.26")  # line 4
    lines[4] = lines[4].replace("Local authority", "County")  # line 5
    lines[7] = lines[7].replace(",48.1,", ",about half,")  # line 8
    lines[8] = lines[8].replace(",17400,", ",,")  # line 9
    lines.append(lines[5])  # line 28: line 6 again
    result = load_text("\n".join(lines))
    assert not result.loaded
    assert result.problem_count == 6
    assert [p.split(":")[0] for p in result.problems] == [
        "Line 3", "Line 4", "Line 5", "Line 8", "Line 9", "Line 28"]  # fmt: skip
    assert "202526" in result.problems[0]
    assert "cannot be below 0" in result.problems[1]
    assert "National, Regional or Local authority" in result.problems[2]
    assert "not a number or one of the DfE's markers" in result.problems[3]
    assert "child_count is empty" in result.problems[4]
    assert "the same figure as line 6" in result.problems[5]
    assert not BenchmarkFigure.objects.exists() and not BenchmarkRelease.objects.exists()


def test_cells_that_would_break_the_pages_or_the_database_are_refused_by_line():
    lines = fixture_text().splitlines()
    lines[1] = lines[1].replace("202425", "999900")  # line 2: no census date in year 9999
    lines[2] = lines[2].replace(",4000,", ",3000000000,")  # line 3: beyond a count's column
    lines[3] = lines[3].replace(",100,100,0.26", ",1E+2000000,100,0.26")  # line 4: a huge number
    lines[4] = lines[4].replace("E12000002", "NOT-A-REGION-CODE")  # line 5: too long to keep
    result = load_text("\n".join(lines))
    assert not result.loaded
    assert [p.split(":")[0] for p in result.problems] == ["Line 2", "Line 3", "Line 4", "Line 5"]
    assert "the DfE publishes academic years from 2000/01" in result.problems[0]
    assert "child_count is 3000000000: more children than any area has" in result.problems[1]
    assert "child_count is '1E+2000000', not a number" in result.problems[2]
    assert "region_code is 'NOT-A-REGION-CODE', not a region's code" in result.problems[3]
    assert not BenchmarkFigure.objects.exists()


def test_a_file_without_the_dfes_columns_is_refused():
    result = load_text("time_period,la_name,child_count\n202526,Demo,10\n")
    assert not result.loaded
    assert "no time_identifier" in result.problems[0] and "rate_per_100" in result.problems[0]


def test_loading_again_changes_nothing(loaded):
    again = load_text(fixture_text())
    assert again.loaded and again.release is None
    assert again.unchanged == ["Summer term 2024/25", "Autumn term 2025/26"]
    assert BenchmarkRelease.objects.count() == 1 and BenchmarkFigure.objects.count() == 26


def test_a_newer_release_replaces_the_older_and_an_older_one_changes_nothing(loaded):
    revised = fixture_text().replace("Demo Borough,Total,Total,120,100,0.3",
                                     "Demo Borough,Total,Total,130,100,0.33")  # fmt: skip
    newer = load_text(revised, published=D(2026, 6, 11), name="revised.csv")
    assert newer.replaced == ["Summer term 2024/25", "Autumn term 2025/26"]
    autumn = BenchmarkPeriod.objects.get(term="Autumn term")
    assert autumn.release.file_name == "revised.csv"
    assert figure("901", "Total", "Total").child_count == 130
    assert BenchmarkFigure.objects.count() == 26  # replaced, not added to
    older = load_text(fixture_text())
    assert older.kept == ["Summer term 2024/25 (published 11 June 2026)",
                          "Autumn term 2025/26 (published 11 June 2026)"]  # fmt: skip
    assert figure("901", "Total", "Total").child_count == 130


def test_the_neighbours_mean_leaves_markers_out_and_says_how_many(loaded):
    comparison = benchmarks.compare(dfe_return(AUTUMN_2025))
    total = comparison.lines["total"][0]
    assert (total.neighbours.used, total.neighbours.of) == (2, 4)
    assert total.neighbours.value == pytest.approx(0.375)
    female = next(line for line in comparison.lines["sex"] if line.category == "Female")
    assert (female.neighbours.value, female.neighbours.used, female.neighbours.of) == (45.0, 1, 4)
    assert female.region.shown == "48.9"  # North West's, not Yorkshire's 33.3
    assert female.england.shown == "48.1"
    unknown = next(line for line in comparison.lines["sex"] if line.category == "Unknown")
    assert unknown.council.shown == "low" and unknown.council_share.shown == "low"
    assert comparison.rank == (3, 4)


@pytest.mark.parametrize("neighbours", [
    ["902", "903", "904", "905", "902"],  # one twice
    ["902", "903", "904", "905", "E08000902"],  # one by its old and its new code
    ["901", "902", "903", "904", "905"],  # the council's own code among them
    ["E08000901", "902", "903", "904", "905"],  # and by its new code
])  # fmt: skip
def test_each_neighbour_counts_once_and_never_the_council(loaded, neighbours):
    BenchmarkSettings.objects.update(statistical_neighbours=neighbours)
    comparison = benchmarks.compare(dfe_return(AUTUMN_2025))
    total = comparison.lines["total"][0]
    assert (total.neighbours.value, total.neighbours.used, total.neighbours.of) == (
        pytest.approx(0.375), 2, 4)  # fmt: skip
    [*_, (_, _, _, autumn)] = comparison.history
    assert (autumn.value, autumn.used, autumn.of) == (pytest.approx(0.375), 2, 4)


def test_the_settings_refuse_a_neighbour_twice_or_the_council_itself():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="902 is entered more than once"):
        BenchmarkSettings(la_code="901", statistical_neighbours=["902", "902"]).full_clean()
    with pytest.raises(ValidationError, match="901 is the council's own code"):
        BenchmarkSettings(la_code="901", statistical_neighbours=["901", "902"]).full_clean()


def test_the_estimated_population_and_the_live_rate(loaded):
    for _ in range(8):
        EpisodeFactory(child=ChildFactory(date_of_birth=D(2014, 5, 1)), referral_date=D(2025, 9, 1))
    comparison = benchmarks.compare(dfe_return(AUTUMN_2025))
    assert comparison.population == benchmarks.Population(40000, 2025, estimated=True)
    assert "estimated" in comparison.population.label
    total = comparison.lines["total"][0]
    assert (total.live, total.live_share) == (8, 0.02)  # 8 / 40,000 x 100
    data = benchmarks.published()
    assert data.population(2024) == benchmarks.Population(38462, 2024, estimated=True)
    ChildPopulation.objects.create(academic_year=2025, children=32000)
    comparison = benchmarks.compare(dfe_return(AUTUMN_2025))
    assert comparison.population == benchmarks.Population(32000, 2025, estimated=False)
    assert comparison.lines["total"][0].live_share == 0.025  # 8 / 32,000 x 100
    assert benchmarks.published().population(2026).academic_year == 2025  # the latest before


def test_the_term_compared_is_the_latest_on_or_before_the_census_date(loaded):
    assert benchmarks.compare(dfe_return(D(2025, 5, 15))).period.label == "Summer term 2024/25"
    assert benchmarks.compare(dfe_return(D(2026, 1, 15))).period.label == "Autumn term 2025/26"
    early = benchmarks.compare(dfe_return(D(2024, 10, 3)))
    assert early.period is None and "start later" in early.problem


def test_without_settings_the_page_says_what_to_set():
    load_text(fixture_text())
    assert "local authority code" in benchmarks.compare(dfe_return(AUTUMN_2025)).problem
    BenchmarkSettings.objects.create(la_code="999")
    assert "no local authority 999" in benchmarks.compare(dfe_return(AUTUMN_2025)).problem


def test_the_council_is_found_by_its_new_code_too():
    load_text(fixture_text())
    BenchmarkSettings.objects.create(la_code="E08000901", statistical_neighbours=["E08000902"])
    comparison = benchmarks.compare(dfe_return(AUTUMN_2025))
    assert comparison.lines["total"][0].council.shown == "120"
    assert comparison.lines["total"][0].neighbours.value == pytest.approx(0.5)


def test_the_page_and_the_downloads_show_the_benchmark_beside_the_live_figure(
    client, loaded, manager
):
    EpisodeFactory(child=ChildFactory(date_of_birth=D(2014, 5, 1), gender="FEMALE"),
                   referral_date=D(2025, 9, 1))  # fmt: skip
    client.force_login(manager)
    url = reverse("reports:dfe_return")
    page = client.get(url, {"date": "2025-10-02"}).content.decode()
    assert "Autumn term 2025/26" in page and "12 March 2026" in page
    assert "3 of 4 local authorities" in page
    assert "North West" in page and "(2 of 4)" in page
    assert "40,000 children aged 5 to 16 in 2025/26, estimated" in page
    assert "<polyline" in page  # the chart, with the term-by-term table beside it
    rows = list(csv.reader(io.StringIO(
        client.get(url, {"date": "2025-10-02", "format": "csv"}).content.decode())))  # fmt: skip
    assert rows[0][:5] == ["breakdown", "category", "count", "share_or_rate", "published_count"]
    total = rows[1]
    assert total[:3] == ["total", "Total", "1"] and total[4:8] == ["120", "0.3", "0.42", "0.45"]
    female = next(row for row in rows if row[:2] == ["sex", "Female"])
    assert female[3] == "100.0" and female[6:9] == ["48.1", "48.9", "45.0"]
    assert rows[-1][0] == "source" and "release published 12 March 2026" in rows[-1][1]


def test_the_upload_page_loads_a_file_and_names_a_broken_ones_lines(client, head_of_service):
    client.force_login(head_of_service)
    url = reverse("reports:benchmarks")
    broken = fixture_text().replace("202526,Autumn term,National", "202526,Winter,National", 1)
    upload = io.BytesIO(broken.encode())
    upload.name = "cme.csv"
    response = client.post(url, {"file": upload,
                                 "published_on_0": "12", "published_on_1": "3",
                                 "published_on_2": "2026"})  # fmt: skip
    assert response.status_code == 400
    assert "Line 7: time_identifier is &#x27;Winter&#x27;" in response.content.decode()
    assert not BenchmarkFigure.objects.exists()
    upload = io.BytesIO(fixture_text().encode())
    upload.name = "cme.csv"
    response = client.post(url, {"file": upload, "published_on_0": "12", "published_on_1": "3",
                                 "published_on_2": "2026"}, follow=True)  # fmt: skip
    assert "Loaded: Summer term 2024/25, Autumn term 2025/26" in response.content.decode()
    assert BenchmarkRelease.objects.get().loaded_by == head_of_service


def test_the_upload_says_what_is_missing(client, head_of_service):
    client.force_login(head_of_service)
    response = client.post(reverse("reports:benchmarks"), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "Choose the DfE&#x27;s CSV file to load" in page
        and "Enter the date the DfE published this release" in page
    )


def test_an_officer_may_not_load_and_a_manager_only_looks(client, officer, manager):
    url = reverse("reports:benchmarks")
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert 'href="/reports/benchmarks/"' not in client.get(reverse("home")).content.decode()
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403


def test_an_administrator_loads_the_file_from_their_menu(client, administrator):
    client.force_login(administrator)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/reports/benchmarks/">Benchmarks</a>' in home
    upload = io.BytesIO(fixture_text().encode())
    upload.name = "cme.csv"
    url = reverse("reports:benchmarks")
    page = client.get(url).content.decode()
    assert 'href="/reports/dfe-return/"' not in page  # a report they may not see
    response = client.post(url, {"file": upload, "published_on_0": "12", "published_on_1": "3",
                                 "published_on_2": "2026"}, follow=True)  # fmt: skip
    assert "Loaded: Summer term 2024/25, Autumn term 2025/26" in response.content.decode()
    assert BenchmarkRelease.objects.get().loaded_by == administrator
    assert client.get(reverse("reports:dfe_return")).status_code == 403


def test_the_command_loads_and_refuses_a_broken_file(tmp_path, capsys):
    call_command("load_dfe_benchmarks", str(FIXTURE), "--published", "2026-03-12")
    assert BenchmarkFigure.objects.count() == 26
    broken = tmp_path / "broken.csv"
    broken.write_text(fixture_text().replace(",120,100,0.3", ",120,100,lots"))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_dfe_benchmarks", str(broken), "--published", "2026-06-11")
    assert "Line 16: rate_per_100 is 'lots'" in capsys.readouterr().err
    assert figure("901", "Total", "Total").rate_per_100 == Decimal("0.3")


# The scorecard for 2025/26, as at 15 April 2026 (every quarter ended). Eight cases active
# from 1 September 2025. Per 10,000 children aged 5 to 16, worked by hand:
# - Q1 end 30 June 2025 (academic year 2024/25, population estimated 38,462): 0 cases, 0.0.
#   Published then: the summer term 2024/25 (census 15 May 2025): England 0.4 per 100 = 40.0
#   per 10,000, North West 41.0, neighbours (0.4 + 0.22) / 2 = 0.31, so 31.0.
# - Q2 end 30 September 2025: still the summer term (the autumn census is 2 October).
# - Q3 and Q4 ends: the autumn term 2025/26: England 42.0, North West 45.0, neighbours 37.5.
# With 2,000 children entered for 2025/26 the council's rate from Q2 is 8 / 2,000 x 10,000
# = 40.0: against the neighbours with a margin of 5 (lower is better), Q1 green, Q2 red
# (40.0 beyond 31.0 + 5), Q3 and Q4 amber (40.0 within 37.5 + 5), the year to date amber.
RATE = "active_per_10000"


@pytest.fixture
def eight_active(loaded):
    for _ in range(8):
        EpisodeFactory(child=ChildFactory(date_of_birth=D(2014, 5, 1)), referral_date=D(2025, 9, 1))
    ChildPopulation.objects.create(academic_year=2025, children=2000)


def test_the_scorecard_gives_active_cases_per_10000_beside_the_benchmarks(eight_active):
    from reports.scorecard import scorecard

    card = scorecard(2025, today=D(2026, 4, 15))
    rows = {row.breakdown: row for row in card.rows_of(RATE)}
    assert rows[""].quarters == [0.0, 40.0, 40.0, 40.0] and rows[""].ytd == 40.0
    assert rows["England"].quarters == [40.0, 40.0, 42.0, 42.0]
    assert rows["Region"].quarters == [41.0, 41.0, 45.0, 45.0]
    assert rows["Statistical neighbours' mean"].quarters == [31.0, 31.0, 37.5, 37.5]
    note = " ".join(card.notes["Current caseload at the quarter end"])
    assert "Summer term 2024/25, release published 12 March 2026" in note
    assert "Autumn term 2025/26" in note and "estimated" in note and "as entered" in note


def test_a_target_against_the_neighbours_average_rates_each_quarter(eight_active):
    from reports.models import IndicatorTarget
    from reports.scorecard import scorecard

    IndicatorTarget.objects.create(indicator=RATE, polarity="lower", benchmark="neighbours",
                                   benchmark_margin=5)  # fmt: skip
    row = scorecard(2025, today=D(2026, 4, 15)).row(RATE)
    assert row.rags == ["green", "red", "amber", "amber", "amber"]


def test_the_scorecard_exports_carry_the_benchmarks_and_their_source(eight_active):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from reports.exports import scorecard_csv, scorecard_pdf, scorecard_xlsx
    from reports.scorecard import scorecard

    card = scorecard(2025, today=D(2026, 4, 15))
    rows = list(csv.reader(io.StringIO(scorecard_csv(card))))
    england = next(row for row in rows if row[1] == RATE and row[3] == "England")
    assert england[4:8] == ["40", "40", "42", "42"]
    notes = [row[2] for row in rows if row[1] == "note"]
    assert any("release published 12 March 2026" in note for note in notes)
    sheet = load_workbook(io.BytesIO(scorecard_xlsx(card)))["Current caseload"]
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert any(cell == "Statistical neighbours' mean" for cell in cells)
    assert any("release published 12 March 2026" in cell for cell in cells)
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(scorecard_pdf(card))).pages)  # fmt: skip
    assert "per 10,000 children" in text and "release published 12 March 2026" in text


def test_a_benchmark_target_form_refuses_a_fixed_target_as_well(client, head_of_service):
    client.force_login(head_of_service)
    response = client.post(reverse("reports:targets"), {
        f"{RATE}-polarity": "lower", f"{RATE}-target": "30", f"{RATE}-benchmark": "england",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Rate it against a benchmark or a fixed target, not both" in response.content.decode()
    response = client.post(reverse("reports:targets"), {
        f"{RATE}-polarity": "lower", f"{RATE}-benchmark": "neighbours",
        f"{RATE}-benchmark_margin": "-1",
    })  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "The margin cannot be below 0" in page and "Constraint" not in page


def test_the_benchmarks_cost_the_same_queries_however_many_neighbours(client, loaded, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    url = reverse("reports:dfe_return")
    client.get(url)  # the session's first request reads the user and their sign-in
    counts = []
    for neighbours in (["902"], ["902", "903", "904", "905", "906"]):
        BenchmarkSettings.objects.update(statistical_neighbours=neighbours)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"date": "2025-10-02"}).status_code == 200
        counts.append(len(queries))
    # The page without benchmarks' 15, + every Total row, the census dates and the term's
    # figures: 3.
    assert counts == [18, 18]


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(body)).pages)  # fmt: skip


def test_the_return_as_a_pdf_carries_the_benchmarks_and_their_source(client, loaded, manager):
    EpisodeFactory(child=ChildFactory(date_of_birth=D(2014, 5, 1), gender="FEMALE"),
                   referral_date=D(2025, 9, 1))  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("reports:dfe_return"), {"date": "2025-10-02", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('filename="cme-dfe-return-2025-10-02.pdf"')
    text = pdf_text(response.content)
    assert "DfE return at 2 October 2025" in text
    assert "3 of 4 local authorities" in text and "North West" in text
    assert "0.375 (2 of 4)" in text  # the total rate's neighbours' mean, markers left out
    # Live count and share, the published count and share, England, the region, the neighbours.
    assert "Female 1 100.0 60 50 48.1 48.9 45 (1 of 4)" in text
    assert "Unknown 0 0.0 low low 0.3" in text  # a marker stays a marker
    assert "release published 12 March 2026 (file cme.csv)" in text


def test_the_return_as_a_pdf_without_benchmarks_gives_each_breakdown(client, manager):
    EpisodeFactory(child=ChildFactory(date_of_birth=D(2014, 5, 1), gender="MALE"),
                   referral_date=D(2025, 9, 1))  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("reports:dfe_return"), {"date": "2025-10-02", "format": "pdf"})
    text = pdf_text(response.content)
    assert "By sex Category Children Female 0 Male 1 Unknown 0 Total 1" in text
    assert "Statistical neighbours" not in text and "release published" not in text


def test_the_command_writes_the_return_as_a_pdf_with_the_benchmarks(tmp_path, loaded):
    out = tmp_path / "return.pdf"
    call_command("dfe_return", "--census-date", "2025-10-02", "--format", "pdf",
                 "--output", str(out))  # fmt: skip
    assert "release published 12 March 2026" in pdf_text(out.read_bytes())
    csv_out = io.StringIO()
    call_command("dfe_return", "--census-date", "2025-10-02", stdout=csv_out)
    assert csv_out.getvalue().splitlines()[0] == "breakdown,category,count"  # as the DfE takes it
    with pytest.raises(CommandError, match="--format pdf needs --output FILE"):
        call_command("dfe_return", "--census-date", "2025-10-02", "--format", "pdf")


def test_a_snapshot_shows_where_its_benchmarks_came_from(client, eight_active, manager):
    from reports.services import snapshot_take

    snapshot = snapshot_take(year=2025, quarter=2)
    client.force_login(manager)
    page = client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()
    assert "Statistical neighbours&#x27; mean" in page or "Statistical neighbours' mean" in page
    assert "release published 12 March 2026" in page
