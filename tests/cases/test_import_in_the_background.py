"""A history upload is queued and run by a background worker: the page shows its progress and
then its report, it runs once however often it is delivered, and officers keep working
while it writes."""

import csv
import io
import logging
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cases import services
from cases.bulk import writer
from cases.models import CaseImport, Child, Episode
from cases.services import imports
from cases.tasks import import_cases
from cme_tracker.core.models import JobRun, OutboxMessage
from tests.cases.factories import EpisodeFactory
from tests.cases.test_bulk_import import HEADER, row, sibling_rows
from tests.conftest import load_reference_data


def upload(rows, name="Lakatos family.csv") -> SimpleUploadedFile:
    content = io.StringIO()
    writer = csv.DictWriter(content, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, content.getvalue().encode(), "text/csv")


def post(client, rows, **options):
    data = {"file": upload(rows), **options}
    return client.post(reverse("cases:cases_import"), data)


@pytest.mark.django_db
def test_an_upload_is_queued_then_run_by_the_worker_and_its_report_shown(client, manager):
    client.force_login(manager)
    response = post(client, sibling_rows())  # the box "check only" is left unticked
    record = CaseImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "cases:cases_import_run", args=[record.pk]
    )
    assert not Episode.objects.exists()  # nothing written in the request
    [message] = OutboxMessage.objects.filter(task="cases.tasks.import_cases")
    assert message.args == [record.pk]
    # The file is kept for the worker under a name of its own, not the family's.
    stored = settings.MEDIA_ROOT / record.file.name
    assert stored.exists() and "Lakatos" not in record.file.name
    assert record.file_name == "Lakatos family.csv"
    waiting = client.get(response.url).content.decode()
    assert "Waiting for the background worker to start" in waiting
    assert "Refresh" in waiting

    assert import_cases.apply(args=[record.pk]).get() == record.pk
    record.refresh_from_db()
    assert record.status == CaseImport.Status.FINISHED and record.finished_at
    assert Episode.objects.count() == 3 and Child.objects.count() == 2
    assert not stored.exists() and not record.file  # the file goes once it has been read
    done = client.get(response.url).content.decode()
    assert "History imported" in done and "3 rows read" in done
    assert "Refresh" not in done
    listed = client.get(reverse("cases:cases_import")).content.decode()
    assert "Lakatos family.csv" in listed and "Imported" in listed
    state = client.get(reverse("cases:cases_import_progress", args=[record.pk])).json()
    assert state["status"] == "FINISHED"


@pytest.mark.django_db
def test_a_check_only_upload_writes_nothing_and_keeps_its_report(client, manager):
    client.force_login(manager)
    response = post(client, sibling_rows(), dry_run="on")
    import_cases.apply(args=[CaseImport.objects.get().pk])
    assert not Episode.objects.exists()
    html = client.get(response.url).content.decode()
    assert "File checked" in html and "would change: 2 children created" in html
    assert "Checked" in client.get(reverse("cases:cases_import")).content.decode()


@pytest.mark.django_db
def test_a_file_with_problems_says_what_and_where(client, manager):
    client.force_login(manager)
    response = post(client, [row(upn="A999200025001")])
    import_cases.apply(args=[CaseImport.objects.get().pk])
    html = client.get(response.url).content.decode()
    assert "was not imported" in html and "Nothing was imported: 1 problem in 1 rows" in html
    assert "line 2, upn &quot;A999200025001&quot;: is not valid" in html
    assert (
        "Not imported: problems found" in client.get(reverse("cases:cases_import")).content.decode()
    )


@pytest.mark.django_db
def test_an_import_delivered_twice_runs_once(client, manager):
    client.force_login(manager)
    post(client, sibling_rows())
    record = CaseImport.objects.get()
    first = import_cases.apply(args=[record.pk]).get()
    second = import_cases.apply(args=[record.pk]).get()
    assert (first, second) == (record.pk, None)
    assert Episode.objects.count() == 3
    runs = JobRun.objects.filter(job="import_cases").order_by("pk")
    assert [run.counts["ran"] for run in runs] == [True, False]


@pytest.mark.django_db
def test_an_import_stopped_by_an_error_writes_nothing_and_says_so(client, manager, monkeypatch,
                                                                   caplog):  # fmt: skip
    client.force_login(manager)
    response = post(client, sibling_rows())
    record = CaseImport.objects.get()

    def breaks(*args, **kwargs):
        Child.objects.create(forename="Half", surname="Written", date_of_birth="2014-01-01")
        raise RuntimeError("row of Ana Lakatos, born 2014-03-01")

    monkeypatch.setattr(imports, "import_file", breaks)
    with caplog.at_level(logging.WARNING):
        import_cases.apply(args=[record.pk])
    record.refresh_from_db()
    assert record.status == CaseImport.Status.FAILED and not record.file
    assert not Child.objects.exists()  # nothing half-written
    html = client.get(response.url).content.decode()
    assert "stopped because of an unexpected error" in html and "Nothing was imported" in html
    assert "Lakatos" not in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.django_db
def test_the_page_shows_the_rows_read_so_far(client, manager, monkeypatch):
    client.force_login(manager)
    rows = [row(episode_ref=f"E{n}", child_ref=f"C{n}", upn="", forename="Ana")
            for n in range(1, 8)]  # fmt: skip
    response = post(client, rows)
    record = CaseImport.objects.get()
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 3)
    seen = []
    real = imports.import_file

    def watched(source, **options):
        given = options["progress"]

        def progress(read):  # mid-COPY: the page's own connection is busy, so ask the cache
            given(read)
            seen.append(imports.progress_of(record))

        return real(source, **{**options, "progress": progress})

    monkeypatch.setattr(imports, "import_file", watched)
    import_cases.apply(args=[record.pk])
    assert [state["rows"] for state in seen] == [0, 0, 3, 3, 3, 6, 6]
    assert {state["of"] for state in seen} == {7}
    # What the page and its script say at such a moment.
    CaseImport.objects.filter(pk=record.pk).update(status=CaseImport.Status.RUNNING)
    monkeypatch.setattr(imports, "progress_of", lambda record: {"rows": 3, "of": 7})
    state = client.get(reverse("cases:cases_import_progress", args=[record.pk])).json()
    assert state == {"status": "RUNNING", "rows": 3, "of": 7, "text": "3 of about 7 rows read."}
    html = client.get(response.url).content.decode()
    assert "3 of about 7 rows read." in html and 'max="7" value="3"' in html
    assert "Refresh" in html


@pytest.mark.django_db(transaction=True)
def test_officers_keep_working_while_an_import_writes(manager, officer, monkeypatch):
    """The import holds its transaction open here, its cases written; an officer's change to another
    case and a new case both commit without waiting (a lock timeout would say otherwise)."""
    load_reference_data()
    case = EpisodeFactory()
    record = imports.import_queue(upload=upload(sibling_rows()), by=manager, dry_run=False,
                                  skip_invalid=False)  # fmt: skip
    writing, carry_on = threading.Event(), threading.Event()
    real = writer.sensitivity_spread

    def held(**options):  # the file's cases are written, and the transaction still open
        writing.set()
        carry_on.wait(30)
        return real(**options)

    monkeypatch.setattr(writer, "sensitivity_spread", held)
    worker = threading.Thread(target=lambda: (imports.import_run(record.pk), connection.close()))
    worker.start()
    try:
        assert writing.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        services.episode_allocate(episode=case, officer=officer, by=manager)
        EpisodeFactory()
        case.refresh_from_db()
        assert case.allocated_officer == officer
    finally:
        carry_on.set()
        worker.join(60)
    record.refresh_from_db()
    assert record.status == CaseImport.Status.FINISHED, record.report
    assert Episode.objects.count() == 5


@pytest.mark.django_db
def test_the_upload_page_s_queries_do_not_grow_with_its_imports(client, manager):
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    counts = []
    for imports_made in (3, 12):
        while CaseImport.objects.count() < imports_made:
            CaseImport.objects.create(started_by=manager, file_name="a.csv")
        client.get(reverse("cases:cases_import"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:cases_import")).status_code == 200
        counts.append(len(queries))
    # the session, the user, their permissions, the imports with who ran them, and the
    # notifications badge (a manager's download leaves out no sensitive case: no count)
    assert counts == [5, 5]


@pytest.mark.django_db
def test_only_the_person_who_ran_an_import_sees_it(client, manager, administrator):
    """Its report quotes the file's rows and says which are sensitive families; its file name
    can name a family. Another manager, or an administrator, sees none of it."""
    from tests.core.factories import UserFactory

    client.force_login(manager)
    response = post(client, sibling_rows())
    record = CaseImport.objects.get()
    import_cases.apply(args=[record.pk])
    colleague = UserFactory()
    colleague.groups.set(manager.groups.all())
    for other in (colleague, administrator):
        client.force_login(other)
        assert client.get(response.url).status_code == 404
        progress = reverse("cases:cases_import_progress", args=[record.pk])
        assert client.get(progress).status_code == 404
        page = client.get(reverse("cases:cases_import")).content.decode()
        assert "Lakatos family.csv" not in page and "Your recent imports" not in page
    client.force_login(manager)
    assert "History imported" in client.get(response.url).content.decode()


def test_an_import_whose_worker_died_is_marked_stopped_not_run_again(client, manager):
    """A worker killed part-way (by a file too large for its memory, say) leaves the import
    running; delivered again, the task marks it stopped and says why, rather than run the
    file into the next worker."""
    record = imports.import_queue(upload=upload(sibling_rows()), by=manager, dry_run=False,
                                  skip_invalid=False)  # fmt: skip
    CaseImport.objects.filter(pk=record.pk).update(status=CaseImport.Status.RUNNING)
    import_cases.apply(args=[record.pk])
    record.refresh_from_db()
    assert record.status == CaseImport.Status.FAILED and not record.file
    assert not Episode.objects.exists()
    client.force_login(manager)
    html = client.get(reverse("cases:cases_import_run", args=[record.pk])).content.decode()
    assert "The import stopped part-way: the background worker running it ended" in html
