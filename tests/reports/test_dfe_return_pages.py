"""The DfE return's page, downloads, command, submission and the cme_reason import column."""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from cases.bulk.importer import import_file
from cases.models import Episode, MissingReason
from reports import services
from reports.models import DfeReturnSubmission
from tests.cases.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CENSUS = D(2025, 1, 16)  # spring census 2024/25
URL = "/reports/dfe-return/"


@pytest.fixture(autouse=True)
def in_february_2025():
    with time_machine.travel(datetime.datetime(2025, 2, 3, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def cases():
    unknown = MissingReason.objects.get(code="UNKNOWN")
    return [
        EpisodeFactory(child=ChildFactory(gender="MALE", date_of_birth=D(2012, 10, 5)),
                       referral_date=D(2024, 12, 1), missing_reason=unknown),
        EpisodeFactory(child=ChildFactory(gender="OTHER", date_of_birth=D(2020, 8, 31)),
                       referral_date=D(2024, 1, 18)),
    ]  # fmt: skip


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_every_category_in_breakdown_category_count(cases):
    out = io.StringIO()
    call_command("dfe_return", "--census-date", "2025-01-16", stdout=out)
    rows = read_csv(out.getvalue())
    assert rows[0] == ["breakdown", "category", "count"]
    assert rows[1] == ["total", "Total", "2"]
    assert rows[-1] == ["any_point_in_year", "Total", "2"]
    keys = [row[0] for row in rows[1:]]
    assert [keys.count(k) for k in ("total", "sex", "year_group", "time_missing", "reason",
                                    "any_point_in_year")] == [1, 3, 13, 8, 20, 1]  # fmt: skip
    assert ["sex", "Unknown", "1"] in rows and ["sex", "Female", "0"] in rows
    assert ["year_group", "Year 7", "1"] in rows and ["year_group", "Reception", "1"] in rows
    assert ["time_missing", "Over 52 weeks", "1"] in rows
    assert ["time_missing", "4 to 8 weeks", "1"] in rows  # 1 December: 46 days
    assert ["reason", "Unknown", "1"] in rows and ["reason", "Not recorded", "1"] in rows
    for breakdown in ("sex", "year_group", "time_missing", "reason"):
        assert sum(int(r[2]) for r in rows if r[0] == breakdown) == 2


def test_the_command_writes_json_and_xlsx_to_files(cases, tmp_path):
    call_command("dfe_return", "--census-date", "2025-01-16", "--format", "json",
                 "--output", str(tmp_path / "r.json"))  # fmt: skip
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["census_date"] == "2025-01-16" and data["adds_up"] is True
    assert {"breakdown": "total", "category": "Total", "count": 2} in data["rows"]
    call_command("dfe_return", "--census-date", "2025-01-16", "--format", "xlsx",
                 "--output", str(tmp_path / "r.xlsx"))  # fmt: skip
    book = load_workbook(tmp_path / "r.xlsx")
    assert [c.value for c in book["DfE return"][2]] == ["total", "Total", 2]
    cross = {row[0]: row[1:] for row in book["Reason by time missing"].iter_rows(values_only=True)}
    assert cross["Not recorded"] == (0, 0, 0, 0, 0, 0, 1, 0, 1)


def test_the_command_says_what_is_wrong():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date: use YYYY-MM-DD"):
        call_command("dfe_return", "--census-date", "16/01/2025")
    with pytest.raises(CommandError, match="needs --output"):
        call_command("dfe_return", "--census-date", "2025-01-16", "--format", "xlsx")
    with pytest.raises(CommandError, match="Could not write /no/such/place.csv"):
        call_command("dfe_return", "--census-date", "2025-01-16", "--output", "/no/such/place.csv")


def test_the_page_shows_every_category_what_to_fix_and_that_it_adds_up(client, cases, manager):
    client.force_login(manager)
    response = client.get(URL, {"date": "2025-01-16"})
    html = response.content.decode()
    assert "DfE return at 16 January 2025" in html
    assert "Each breakdown below adds up to the total, 2." in html
    assert "Challenging school attendance order" in html  # a zero, listed
    young = cases[1]  # born 31 August 2020: of compulsory school age from 31 August 2025
    assert f'href="{young.get_absolute_url()}">{young.reference}</a>' in html
    assert "Primary reason by length of time missing" in html
    assert "Mark as submitted" not in html  # a manager may not


def test_the_downloads(client, cases, manager):
    client.force_login(manager)
    response = client.get(URL, {"date": "2025-01-16", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="cme-dfe-return-2025-01-16.csv"'
    assert read_csv(response.content.decode())[1] == ["total", "Total", "2"]
    response = client.get(URL, {"date": "2025-01-16", "format": "xlsx"})
    assert load_workbook(io.BytesIO(response.content))["DfE return"]["C2"].value == 2


@pytest.mark.parametrize("asked", [{"date": "0001-01-01"}, {"date": "16/01/2025"},
                                   {"date": "2025-01-17", "format": "csv"}])  # fmt: skip
def test_a_date_not_offered_is_a_clear_error(client, manager, asked):
    client.force_login(manager)
    response = client.get(URL, asked)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#date">Choose' in html  # the summary leads to the census date


def test_a_format_it_does_not_download_as_is_a_bad_request(client, manager):
    client.force_login(manager)
    assert client.get(URL, {"date": "2025-01-16", "format": "docx"}).status_code == 400


def test_submitting_freezes_the_return_and_the_page_compares(client, cases, head_of_service):
    client.force_login(head_of_service)
    assert "Mark as submitted" in client.get(URL, {"date": "2025-01-16"}).content.decode()
    response = client.post(reverse("reports:dfe_return_submit"), {"census_date": "2025-01-16"})
    assert response.status_code == 302
    submission = DfeReturnSubmission.objects.get()
    assert submission.submitted_by == head_of_service
    assert ["total", "Total", 2] in submission.figures
    # A case found later to have been open at the census date.
    EpisodeFactory(referral_date=D(2024, 12, 1), missing_reason=MissingReason.objects.get(
        code="MENTAL_HEALTH"))  # fmt: skip
    html = client.get(URL, {"date": "2025-01-16"}).content.decode()
    assert "Changed since it was submitted" in html
    assert "total: Total</th>" in html and "reason: Mental health</th>" in html
    frozen = client.get(reverse("reports:dfe_submission_download", args=[submission.pk]))
    assert read_csv(frozen.content.decode())[1] == ["total", "Total", "2"]
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        DfeReturnSubmission.objects.filter(pk=submission.pk).update(figures=[])


def test_submitting_again_needs_a_reason_and_supersedes(client, cases, head_of_service):
    first = services.dfe_return_submit(census_date=CENSUS, by=head_of_service)
    client.force_login(head_of_service)
    url = reverse("reports:dfe_return_submit")
    html = client.post(url, {"census_date": "2025-01-16"}).content.decode()
    assert "say why it is being submitted again" in html
    assert DfeReturnSubmission.objects.count() == 1
    client.post(url, {"census_date": "2025-01-16", "reason": "The DfE asked for a correction"})
    again = DfeReturnSubmission.objects.get(supersedes=first)
    assert again.reason == "The DfE asked for a correction"
    html = client.get(URL, {"date": "2025-01-16"}).content.decode()
    assert "Earlier submissions for this census date" in html


def test_only_census_dates_that_have_come_can_be_submitted(client, head_of_service):
    client.force_login(head_of_service)
    html = client.post(reverse("reports:dfe_return_submit"),
                       {"census_date": "2025-05-15"}).content.decode()  # fmt: skip
    assert "Choose one of the census dates in the list" in html
    with pytest.raises(services.SubmissionRefused, match="has not come yet"):
        services.dfe_return_submit(census_date=D(2025, 5, 15), by=head_of_service)
    assert not DfeReturnSubmission.objects.exists()


def test_a_manager_cannot_mark_it_submitted(client, manager):
    client.force_login(manager)
    url = reverse("reports:dfe_return_submit")
    assert client.post(url, {"census_date": "2025-01-16"}).status_code == 403


def test_import_takes_cme_reason_by_code_or_label_blank_or_not_recorded_is_none(tmp_path):
    header = ["child_ref", "forename", "surname", "date_of_birth", "gender", "referral_date",
              "cme_reason"]  # fmt: skip
    rows = [("C1", "Unknown"), ("C2", "mental_health"), ("C3", "BELIEVED TO HAVE MOVED TO "
            "ANOTHER COUNTRY"), ("C4", ""), ("C5", "Not recorded")]  # fmt: skip
    path = tmp_path / "history.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for ref, reason in rows:
            writer.writerow([ref, "Ana", "Lakatos", "2014-03-01", "F", "2024-11-04", reason])
    report = import_file(path, file_name=path.name)
    assert report.imported, report.errors
    reasons = dict(Episode.objects.values_list("child__child_ref", "missing_reason__code"))
    assert reasons == {"C1": "UNKNOWN", "C2": "MENTAL_HEALTH", "C3": "BELIEVED_MOVED_ABROAD",
                       "C4": None, "C5": None}  # fmt: skip
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["C6", "Béla", "Lakatos", "2014-03-01", "M", "2024-11-04",
                                     "Lost"])  # fmt: skip
    report = import_file(path, file_name=path.name)
    assert not report.imported
    assert any("cme_reason" in str(e) and "Lost" in str(e) for e in report.errors)


def test_an_administrator_adds_a_dfe_category_and_remaps_a_reason_in_the_admin(
    client, administrator
):
    from cases.models import DfeReason

    client.force_login(administrator)
    response = client.post(reverse("admin:cases_dfereason_add"), {
        "code": "YOUNG_CARER", "label": "Young carer", "order": 175, "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    added = DfeReason.objects.get(code="YOUNG_CARER")
    other = MissingReason.objects.get(code="OTHER")
    response = client.post(reverse("admin:cases_missingreason_change", args=[other.pk]), {
        "code": "OTHER", "label": "Other", "order": other.order, "is_active": "on",
        "dfe_reason": added.pk,
    })  # fmt: skip
    assert response.status_code == 302
    assert MissingReason.objects.get(pk=other.pk).dfe_reason == added
    listing = client.get(reverse("admin:cases_missingreason_changelist")).content.decode()
    assert "Young carer" in listing
    assert client.get(reverse("admin:cases_dfereason_delete", args=[added.pk])).status_code == 403
