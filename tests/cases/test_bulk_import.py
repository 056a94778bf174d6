"""The case-history import: every rule, all-or-nothing, idempotence, and the round trip."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cases.bulk.exporter import export_file
from cases.bulk.importer import import_file
from cases.models import CaseImport, Child, Episode, Event, Family
from cases.upn import expected_check_letter
from tests.conftest import load_reference_data

pytestmark = pytest.mark.django_db

HEADER = [
    "episode_ref", "child_ref", "upn", "forename", "surname", "date_of_birth", "gender",
    "ethnicity", "family_ref", "locality", "school_phase", "referral_date", "presenting_need",
    "fsm_eligible", "open_to", "closed_date", "closure_outcome",
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


def upn(serial: int) -> str:
    body = f"999200025{serial:03d}"
    return expected_check_letter("A" + body) + body


def row(**values):
    base = {
        "episode_ref": "E1", "child_ref": "C1", "upn": upn(1), "forename": "Ana",
        "surname": "Lakatos", "date_of_birth": "2014-03-01", "gender": "F",
        "ethnicity": "Gypsy/Roma", "family_ref": "F1", "locality": "Clifton",
        "school_phase": "Primary", "referral_date": "2017-05-02", "presenting_need": "NEGLECT",
        "fsm_eligible": "Y", "open_to": "", "closed_date": "2017-09-01",
        "closure_outcome": "Other local authority accepted responsibility",
    }  # fmt: skip
    base.update(values)
    return base


def write(tmp_path, rows, header=HEADER, name="history.csv", bom=False):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path, **options):
    return import_file(path, file_name=path.name, **options)


def sibling_rows():
    return [
        row(),
        row(episode_ref="E2", referral_date="2018-01-08", closed_date="", closure_outcome=""),
        row(episode_ref="E3", child_ref="C2", upn="", forename="Béla", gender="Male",
            date_of_birth="2011-10-10", closed_date="01/12/2017",
            closure_outcome="FOUND_SCHOOL_THIS_LA", open_to="Early Help Locality"),
    ]  # fmt: skip


def test_a_valid_file_imports_children_families_and_episodes(tmp_path, officer):
    report = run(write(tmp_path, sibling_rows(), bom=True), by=officer)
    assert report.imported, report.errors
    assert (report.children_created, report.episodes_created) == (2, 3)
    ana = Child.objects.get(child_ref="C1")
    assert ana.ethnicity.code == "WROM" and ana.gender == "FEMALE"
    assert ana.family == Child.objects.get(child_ref="C2").family
    first, second = ana.episodes.order_by("referral_date")
    assert first.status == "CLOSED" and first.closure_outcome.code == "OTHER_LA_ACCEPTED"
    assert second.status == "OPEN" and second.locality.code == "CENTRAL"
    assert second.area.code == "CLIFTON" and second.fsm_at_referral is True
    bela = Episode.objects.get(episode_ref="E3")
    assert bela.closed_on == datetime.date(2017, 12, 1)
    assert [s.code for s in bela.open_to_services.all()] == ["EARLY_HELP_LOCALITY"]
    record = CaseImport.objects.get()
    assert (record.started_by, record.episodes_created, record.file_name) == (
        officer,
        3,
        "history.csv",
    )
    assert Event.objects.filter(verb="episode.imported", payload__import=record.pk).count() == 3


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, sibling_rows())
    run(path)
    before = (Child.objects.count(), Episode.objects.count(), Event.objects.count())
    again = run(path)
    assert again.imported
    assert (again.children_created, again.children_updated) == (0, 0)
    assert (again.episodes_created, again.episodes_updated) == (0, 0)
    assert (Child.objects.count(), Episode.objects.count(), Event.objects.count()) == before


def test_a_changed_row_updates_its_episode(tmp_path):
    run(write(tmp_path, sibling_rows()))
    changed = sibling_rows()
    changed[1].update(closed_date="2018-03-01", closure_outcome="Verified left UK")
    report = run(write(tmp_path, changed))
    assert (report.episodes_created, report.episodes_updated) == (0, 1)
    episode = Episode.objects.get(episode_ref="E2")
    assert episode.status == "CLOSED" and episode.closure_outcome.code == "LEFT_UK_VERIFIED"
    assert Event.objects.filter(episode=episode, payload__action="updated").exists()


def test_without_episode_ref_rows_match_by_child_and_referral_date(tmp_path):
    rows = [row(episode_ref="")]
    run(write(tmp_path, rows))
    rows[0]["presenting_need"] = "Domestic abuse"
    report = run(write(tmp_path, rows))
    assert (report.episodes_created, report.episodes_updated) == (0, 1)
    assert Episode.objects.get().presenting_need.code == "DOMESTIC_ABUSE"


def test_children_are_matched_by_upn_when_the_ref_is_new(tmp_path):
    run(write(tmp_path, [row()]))
    report = run(write(tmp_path, [row(child_ref="OTHER-ID", episode_ref="E9",
                                      referral_date="2019-01-07", closed_date="",
                                      closure_outcome="")]))  # fmt: skip
    assert report.children_created == 0
    assert Child.objects.count() == 1 and Episode.objects.count() == 2


def test_a_upn_held_by_another_child_names_that_child_whatever_its_id(tmp_path):
    from tests.cases.factories import ChildFactory

    ChildFactory(pk=1_234_567, upn=upn(1))
    ChildFactory(child_ref="C1", upn="")
    report = run(write(tmp_path, [row()]))  # C1 with the other child's UPN
    assert not report.imported
    assert f'line 2, upn "{upn(1)}": already belongs to another child (CH1234567)' in (
        "\n".join(report.errors)
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"upn": "A999200025001"}, 'line 2, upn "A999200025001": is not valid: its first letter'),
        ({"upn": "X12"}, 'line 2, upn "X12": must be 13 characters'),
        ({"forename": ""}, "line 2, forename: is blank, and it is required"),
        ({"date_of_birth": "31/02/2014"}, 'line 2, date_of_birth "31/02/2014": is not a real date'),
        ({"date_of_birth": "March 2014"}, "is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        ({"date_of_birth": "2017-06-01"}, "is after the referral date 2017-05-02"),
        ({"referral_date": "2027-01-04", "closed_date": ""}, "is in the future"),
        ({"closed_date": "2017-04-01"}, "is before the referral date 2017-05-02"),
        ({"closure_outcome": ""}, "closure_outcome: is blank, and a closed episode needs one"),
        ({"closed_date": ""}, "is given but closed_date is blank"),
        ({"gender": "X"}, 'gender "X": is not a gender'),
        ({"ethnicity": "Martian"}, 'ethnicity "Martian": is not a known ethnicity'),
        ({"locality": "Atlantis"}, 'locality "Atlantis": is not a known locality or area'),
        ({"school_phase": "Nursery"}, 'school_phase "Nursery": is not a school phase'),
        ({"fsm_eligible": "maybe"}, 'fsm_eligible "maybe": is not Y or N'),
        ({"open_to": "Magic Circle"}, 'open_to "Magic Circle": is not a known service'),
    ],
)
def test_each_row_rule_names_line_column_and_value(tmp_path, change, message):
    report = run(write(tmp_path, [row(**change)]))
    assert not report.imported
    assert any(message in error for error in report.errors), report.errors
    assert not Child.objects.exists() and not CaseImport.objects.exists()


def test_rules_across_rows(tmp_path):
    rows = [
        row(),
        row(episode_ref="E1", referral_date="2018-01-01", closed_date="", closure_outcome=""),
        row(episode_ref="E5", date_of_birth="2014-03-02", referral_date="2017-08-01",
            closed_date="", closure_outcome=""),
        row(episode_ref="E6", child_ref="C7", referral_date="2019-01-01", closed_date="",
            closure_outcome=""),
    ]  # fmt: skip
    report = run(write(tmp_path, rows))
    text = "\n".join(report.errors)
    assert 'line 3, episode_ref "E1": appears more than once (first on line 2)' in text
    assert "line 4, date_of_birth" in text and "has another date of birth" in text
    assert "already has an episode from 2017-05-02 to 2017-09-01" in text  # overlap
    assert 'upn "' in text and "also belongs to child C1" in text
    assert not Episode.objects.exists()


def test_an_episode_overlapping_one_already_recorded_is_refused(tmp_path):
    run(write(tmp_path, [row(closed_date="", closure_outcome="")]))
    report = run(write(tmp_path, [row(episode_ref="E7", referral_date="2018-02-05",
                                      closed_date="", closure_outcome="")]))  # fmt: skip
    assert any("that is still open" in error for error in report.errors)


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(tmp_path):
    wrong = ("B" if upn(9)[0] != "B" else "C") + upn(9)[1:]  # a wrong check letter
    rows = [*sibling_rows(), row(episode_ref="E4", child_ref="C4", upn=wrong)]
    report = run(write(tmp_path, rows), skip_invalid=True)
    assert report.imported and report.rows_skipped == 1
    assert report.episodes_created == 3
    assert any("line 5, upn" in error for error in report.errors)


def test_dry_run_writes_nothing_but_reports_what_would_change(tmp_path):
    report = run(write(tmp_path, sibling_rows()), dry_run=True)
    assert report.imported and report.episodes_created == 3
    assert not Episode.objects.exists() and not CaseImport.objects.exists()


def sequence_values(owner_connection) -> dict[str, int | None]:
    return dict(owner_connection.execute(
        "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
    ).fetchall())  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_takes_no_number_from_any_sequence_and_counts_as_the_import_would(
    tmp_path, owner_connection
):
    load_reference_data()
    run(write(tmp_path, sibling_rows()))
    changed = [
        row(surname="Lakatosová"),  # a known child renamed, a known episode kept
        row(episode_ref="E2", surname="Lakatosová", referral_date="2018-01-08",
            closed_date="2018-03-01", closure_outcome="FOUND_SCHOOL_THIS_LA"),  # and closed
        row(episode_ref="E9", child_ref="C7", upn="", forename="Nina", family_ref="F5",
            referral_date="2019-02-01", closed_date="", closure_outcome=""),  # all new
    ]  # fmt: skip
    path = write(tmp_path, changed, name="changes.csv")
    before, episodes = sequence_values(owner_connection), Episode.objects.count()
    checked = run(path, dry_run=True)
    checked_again = run(path, dry_run=True)
    assert sequence_values(owner_connection) == before
    assert Episode.objects.count() == episodes and not Child.objects.filter(forename="Nina")
    imported = run(path)
    counts = ("children_created", "children_updated", "episodes_created", "episodes_updated")
    assert [getattr(checked, name) for name in counts] == [1, 1, 1, 1]
    assert [getattr(checked_again, name) for name in counts] == [1, 1, 1, 1]
    assert [getattr(imported, name) for name in counts] == [1, 1, 1, 1]
    # The next case made takes the very next number, as if no check had been run.
    new = Episode.objects.get(child__forename="Nina")
    assert (
        new.pk
        == max(pk for name, pk in before.items() if name.endswith("cases_episode_id_seq")) + 1
    )


def test_live_case_rules_are_warnings_for_history(tmp_path):
    rows = [row(closure_outcome="Enquiries exhausted", date_of_birth="2010-03-01"),
            row(episode_ref="E2", child_ref="C9", upn="", date_of_birth="2000-01-01",
                referral_date="2017-06-01", closed_date="", closure_outcome="")]  # fmt: skip
    report = run(write(tmp_path, rows))
    assert report.imported
    text = "\n".join(report.warnings)
    assert "closed as enquiries exhausted with no manager's approval recorded (line 2)" in text
    assert "not of compulsory school age when referred (line 3)" in text  # born 2000


def test_file_problems(tmp_path):
    missing = run(write(tmp_path, [row()], header=["child_ref", "forename"]))
    assert (
        "required columns are missing: surname, date_of_birth, gender, referral_date"
        in (missing.errors[0])
    )
    extra = run(write(tmp_path, [{**row(), "shoe_size": "4"}], header=[*HEADER, "shoe_size"]))
    assert extra.imported
    assert any('column "shoe_size" is not part of the format' in w for w in extra.warnings)


def test_column_names_are_case_insensitive_and_in_any_order(tmp_path):
    header = list(reversed(HEADER))
    path = tmp_path / "shuffled.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([name.upper() for name in header])
        writer.writerow([row()[name] for name in header])
    assert run(path).episodes_created == 1


def test_xlsx_files_import_too(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    values = row()
    values["date_of_birth"] = datetime.datetime(2014, 3, 1)  # Excel dates arrive as dates
    sheet.append([values[name] for name in HEADER])
    path = tmp_path / "history.xlsx"
    book.save(path)
    report = run(path)
    assert report.imported and report.episodes_created == 1, report.errors


def empty_case_tables(owner_connection):
    """An empty database: only the owner may TRUNCATE (the event log refuses DELETE)."""
    owner_connection.execute(
        "TRUNCATE cases_event, cases_episode_open_to_services, referrals_referredchild, "
        "cases_enquiry, cases_closureproposal, cases_episode, cases_child, cases_carer, "
        "cases_address, cases_family, cases_caseimport CASCADE"
    )


@pytest.mark.django_db(transaction=True)
def test_export_then_import_reproduces_the_data(tmp_path, owner_connection):
    load_reference_data()
    run(write(tmp_path, sibling_rows()))
    first = tmp_path / "first.csv"
    export_file(first)
    empty_case_tables(owner_connection)
    assert not Episode.objects.exists()
    report = run(first)
    assert report.imported and report.episodes_created == 3
    second = tmp_path / "second.csv"
    export_file(second)
    assert second.read_text() == first.read_text()
    assert Family.objects.count() == 1


def test_an_export_of_cases_made_in_the_tracker_imports_back_onto_them(tmp_path, officer):
    from tests.cases.factories import ClosedEpisodeFactory, EpisodeFactory

    EpisodeFactory()
    ClosedEpisodeFactory()
    path = tmp_path / "export.csv"
    export_file(path)
    report = run(path)
    assert (report.children_created, report.episodes_created, report.episodes_updated) == (0, 0, 0)


def test_the_download_is_the_export_file_line_for_line(tmp_path, client, manager):
    from tests.cases.factories import ClosedEpisodeFactory, EpisodeFactory

    EpisodeFactory()
    ClosedEpisodeFactory()
    path = tmp_path / "export.csv"
    assert export_file(path) == 2
    client.force_login(manager)
    response = client.get(reverse("cases:cases_export"))
    downloaded = b"".join(response.streaming_content)
    assert downloaded == path.read_bytes()
    assert downloaded.decode().count("\r\n") == 3  # the header and two episodes


def test_the_upload_page_is_for_managers_and_administrators(
    client, officer, manager, head_of_service, administrator
):
    url = reverse("cases:cases_import")
    for person, status in [(officer, 403), (head_of_service, 403), (manager, 200),
                           (administrator, 200)]:  # fmt: skip
        client.force_login(person)
        assert client.get(url).status_code == status
        assert client.get(reverse("cases:cases_export")).status_code == status


def test_the_upload_page_shows_the_report(client, manager):
    content = io.StringIO()
    writer = csv.DictWriter(content, fieldnames=HEADER)
    writer.writeheader()
    writer.writerow(row(upn="A999200025001"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.csv", content.getvalue().encode(), "text/csv")
    client.force_login(manager)
    response = client.post(reverse("cases:cases_import"), {"file": upload})
    from cases.tasks import import_cases

    import_cases.apply(args=[CaseImport.objects.get().pk])  # what the worker does
    html = client.get(response.url).content.decode()
    assert "Nothing was imported" in html
    assert "line 2, upn &quot;A999200025001&quot;: is not valid: its first letter" in html
