"""Importing and exporting case history: the upload, a queued import's progress and report,
and the download. An upload is run by a background worker (``cases.services.imports``), so
no request waits for a file, however large."""

from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from cme_tracker.core import http

from . import selectors, services
from .bulk.exporter import cases_csv_lines
from .forms import CaseImportForm
from .models import CaseImport
from .services import imports

RECENT_IMPORTS = 10


@permission_required("cases.import_cases", raise_exception=True)
def cases_import(request):
    """Upload a file of cases, checked and imported in the background; recent imports."""
    form = CaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = imports.import_queue(
            upload=form.cleaned_data["file"], by=request.user,
            dry_run=form.cleaned_data["dry_run"], skip_invalid=form.cleaned_data["skip_invalid"],
        )  # fmt: skip
        return redirect("cases:cases_import_run", pk=record.pk)
    return render(request, "cases/import.html", {
        "form": form,
        "recent": selectors.imports_recent(request.user, RECENT_IMPORTS),
        "left_out": selectors.sensitive_left_out_of_export(request.user),
    })  # fmt: skip


@permission_required("cases.import_cases", raise_exception=True)
def cases_import_run(request, pk: int):
    """One of this person's imports: its progress while it runs (the page can be refreshed,
    and a script updates the bar), then what it found and did."""
    record = get_object_or_404(selectors.imports_of(request.user).select_related("started_by"),
                               pk=pk)  # fmt: skip
    return render(request, "cases/import_run.html", {
        "record": record,
        "running": record.status in (CaseImport.Status.QUEUED, CaseImport.Status.RUNNING),
        "progress": imports.progress_of(record),
        "report": imports.report_of(record),
    })  # fmt: skip


@permission_required("cases.import_cases", raise_exception=True)
def cases_import_progress(request, pk: int):
    """The progress of one import, for the page's script."""
    record = get_object_or_404(selectors.imports_of(request.user), pk=pk)
    progress = imports.progress_of(record)
    text = render_to_string("cases/_import_progress.html", {"record": record, "progress": progress})
    return JsonResponse({"status": record.status, **progress, "text": text.strip()})


@permission_required("cases.import_cases", raise_exception=True)
def cases_export(request):
    """Every episode in the import format, as CSV: sensitive ones only for those with
    sensitive access, each of them in the access log."""
    episodes = selectors.exportable_episodes(request.user)
    services.access_log_record(
        user=request.user, episodes=selectors.sensitive_ids(episodes), page=http.page(request),
        client_address=http.client_address(request), details_shown=True,
    )  # fmt: skip
    response = StreamingHttpResponse(
        cases_csv_lines(episodes), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cme-case-history.csv"'
    return response
