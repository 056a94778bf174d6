"""The DfE return's pages: the return at a census date, its downloads, and marking it
submitted. Thin: the figures come from ``reports.dfe``, the writes from services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from cme_tracker.core.http import BadParameter

from . import benchmarks, selectors, services
from .dfe import BANDS, BREAKDOWNS, offered_dates, to_fix
from .dfe_exports import FORMATS, rows_csv
from .dfe_exports import render as render_file
from .forms import DfeSubmissionForm
from .models import DfeReturnSubmission


def _census_date(request, dates) -> tuple[date, str]:
    """The census date asked for (else the latest that has come) and an error, if any."""
    today = timezone.localdate()
    latest = next((day for _, day in dates if day <= today), dates[-1][1])
    chosen = request.GET.get("date", "").strip()
    if not chosen:
        return latest, ""
    try:
        day = date.fromisoformat(chosen)
    except ValueError:
        return latest, "Choose a census date from the list"
    if day not in {d for _, d in dates}:
        return latest, "Choose one of the census dates in the list"
    return day, ""


@permission_required("reports.view_reports", raise_exception=True)
def dfe_return_page(request):
    """The return at a census date, with what to fix first and how it compares with the
    return marked submitted; ?format=csv, xlsx, json or pdf downloads it."""
    dates = offered_dates(timezone.localdate())
    census, error = _census_date(request, dates)
    fmt = request.GET.get("format", "")
    if fmt and fmt not in FORMATS:
        raise BadParameter("The return downloads as csv, xlsx, json or pdf: choose one of "
                           "those")  # fmt: skip
    if fmt and not error:
        result = selectors.dfe_return(census)
        return _download(render_file(result, fmt, benchmarks.compare(result)), fmt,
                         f"cme-dfe-return-{census}")  # fmt: skip
    result = selectors.dfe_return(census)
    submission = selectors.current_submission(census)
    context = {
        "result": result, "dates": dates, "error": error, "bands": BANDS,
        "benchmarks": benchmarks.compare(result),
        "headings": BREAKDOWNS, "to_fix": to_fix(result), "submission": submission,
        "changes": selectors.changes_since(submission, result.rows()) if submission else [],
        "earlier": selectors.submissions(census)[1:] if submission else [],
        "can_submit": census <= timezone.localdate(),
    }  # fmt: skip
    return render(request, "reports/dfe_return.html", context, status=400 if error else 200)


def _download(body, fmt: str, name: str) -> HttpResponse:
    return HttpResponse(body, content_type=FORMATS[fmt], headers={
        "Content-Disposition": content_disposition_header(True, f"{name}.{fmt}")})  # fmt: skip


@permission_required("reports.view_reports", raise_exception=True)
def dfe_submission_download(request, pk):
    """A submitted return's frozen figures, as the CSV it was."""
    submission = get_object_or_404(DfeReturnSubmission, pk=pk)
    name = f"cme-dfe-return-{submission.census_date}-submitted-{submission.pk}"
    return _download(rows_csv(submission.figures), "csv", name)


@permission_required("reports.submit_dfe_return", raise_exception=True)
def dfe_return_submit(request):
    """Mark a census date's return as submitted to the DfE: its figures are frozen."""
    today = timezone.localdate()
    dates = [(term, day) for term, day in offered_dates(today) if day <= today]
    data = request.POST if request.method == "POST" else None
    form = DfeSubmissionForm(data, dates=dates, initial={"census_date": request.GET.get("date")})
    if request.method == "POST" and form.is_valid():
        census = form.cleaned_data["census_date"]
        try:
            services.dfe_return_submit(census_date=census, by=request.user,
                                       reason=form.cleaned_data["reason"])  # fmt: skip
        except services.SubmissionRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"Return for {census:%-d %B %Y} marked as submitted")
            return redirect(f"{reverse('reports:dfe_return')}?date={census}")
    return render(request, "reports/dfe_return_submit.html", {"form": form})
