"""Case-history imports run by a background worker, never inside a web request.

An upload is stored with its import record and queued (``import_queue``); a worker runs it
(``import_run``) and the page shows its progress. The import is one transaction, so
officers keep working while it runs: its rows are written as new row versions and nothing
takes a lock on a whole case table. What they wait for, if anything, is a case the file
itself changes, and the counting of the scorecard at its end. The file is deleted once the
run has finished: the cases are in the tracker then, and a copy of a council's history
should not lie about.
"""

import dataclasses
import logging
import uuid
from pathlib import PurePath

from django.core.cache import cache
from django.db import transaction

from cme_tracker.core import clock, locks, outbox

from ..bulk.importer import Report, import_file
from ..models import CaseImport

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between updates of the progress the page shows
PROGRESS_KEPT = 24 * 60 * 60  # seconds


@transaction.atomic
def import_queue(*, upload, by, dry_run: bool, skip_invalid: bool) -> CaseImport:
    """Store the upload with a new import record and queue it for a worker. The stored file
    is named at random: a council's file name can name a family."""
    file_name = upload.name
    upload.name = f"{uuid.uuid4().hex}{PurePath(file_name).suffix.lower()}"
    record = CaseImport.objects.create(
        started_by=by, file_name=file_name[:255], file=upload, dry_run=dry_run,
        skip_invalid=skip_invalid,
    )  # fmt: skip
    outbox.enqueue("cases.tasks.import_cases", record.pk)
    return record


def progress_of(record: CaseImport) -> dict:
    """{"rows": read so far, "of": about how many (None when not known)} while it runs."""
    return cache.get(_progress_key(record.pk)) or {"rows": 0, "of": None}


def _progress_key(import_id: int) -> str:
    return f"cases:import-progress:{import_id}"


def _rows_in(record: CaseImport) -> int | None:
    """About how many rows a CSV has (its lines less the header); None for a spreadsheet."""
    if not record.file.name.endswith(".csv"):
        return None
    lines = 0
    with record.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def import_run(import_id: int) -> CaseImport | None:
    """Run a queued import once, however often the task is delivered: an import another
    worker is running, or one that has finished, is left alone (None). A worker killed
    part-way leaves the import running with nothing written; the task delivered again then
    marks it stopped rather than run it again, since what killed the worker (a file too
    large for its memory, say) would kill the next one too."""
    with transaction.atomic():
        record = CaseImport.objects.select_for_update().get(pk=import_id)
        if record.status in (CaseImport.Status.FINISHED, CaseImport.Status.FAILED):
            return None
        ran_before = record.status == CaseImport.Status.RUNNING
        record.status = CaseImport.Status.RUNNING
        record.save(update_fields=["status"])
    try:
        with transaction.atomic():
            if not locks.try_hold(locks.IMPORT_RUN, record.pk):
                return None  # another worker has it
            record.refresh_from_db()
            if record.status != CaseImport.Status.RUNNING:
                return None
            if ran_before:
                logger.warning("import %s stopped: its worker ended while running it", record.pk)
                report = Report(file_name=record.file_name, dry_run=record.dry_run)
                report.error(_WORKER_ENDED)
                CaseImport.objects.filter(pk=record.pk).update(
                    status=CaseImport.Status.FAILED, finished_at=clock.now(),
                    report=dataclasses.asdict(report),
                )  # fmt: skip
                record.refresh_from_db()
                _delete_file(record)
                return record
            report = _run(record)
            record.report = dataclasses.asdict(report)
            record.status = CaseImport.Status.FINISHED
            record.finished_at = clock.now()
            record.save()
    except Exception as error:
        # The type only: a database error's message can quote a row of the file.
        logger.warning("import %s stopped by %s", record.pk, type(error).__name__)
        CaseImport.objects.filter(pk=record.pk).update(
            status=CaseImport.Status.FAILED, finished_at=clock.now()
        )
        record.refresh_from_db()
    _delete_file(record)
    return record


_WORKER_ENDED = (
    "the import stopped part-way: the background worker running it ended. Nothing was "
    "imported. Try again; if it stops again, save the file as CSV or split it into smaller files"
)


def _run(record: CaseImport) -> Report:
    total = _rows_in(record)
    rows = 0
    cache.set(_progress_key(record.pk), {"rows": 0, "of": total}, PROGRESS_KEPT)

    def progress(read: int) -> None:
        nonlocal rows
        rows += read
        if rows % PROGRESS_EVERY == 0:
            cache.set(_progress_key(record.pk), {"rows": rows, "of": total}, PROGRESS_KEPT)

    with record.file.open("rb") as handle:
        return import_file(
            handle, file_name=record.file_name, by=record.started_by, dry_run=record.dry_run,
            skip_invalid=record.skip_invalid, progress=progress, record=record,
        )  # fmt: skip


def _delete_file(record: CaseImport) -> None:
    if record.file:
        record.file.delete(save=False)
        CaseImport.objects.filter(pk=record.pk).update(file="")
    cache.delete(_progress_key(record.pk))


def report_of(record: CaseImport) -> Report | None:
    """What the run found and did, once it has finished."""
    return Report(**record.report) if record.report else None
