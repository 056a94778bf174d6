"""Loading the DfE's published CME figures, and what is loaded. Thin: the file is checked
and loaded by ``reports.services.benchmarks_load``, read by ``reports.benchmarks``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from . import benchmarks, services
from .forms import BenchmarkLoadForm


def benchmarks_page(request):
    """The terms loaded, each with the release it comes from; the upload, for those who load
    (the head of service and an administrator, who sees no report but loads the DfE's
    published figures)."""
    may_load = request.user.has_perm("reports.load_benchmarks")
    if not (may_load or request.user.has_perm("reports.view_reports")):
        raise PermissionDenied
    if request.method == "POST" and not may_load:
        raise PermissionDenied
    posted = request.method == "POST"
    form = (BenchmarkLoadForm(request.POST if posted else None, request.FILES if posted else None)
            if may_load else None)  # fmt: skip
    loaded = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        loaded = services.benchmarks_load(
            upload, file_name=upload.name, published_on=form.cleaned_data["published_on"],
            by=request.user,
        )  # fmt: skip
        if loaded.loaded:
            messages.success(request, " ".join(loaded.summary()))
            return redirect("reports:benchmarks")
    data = benchmarks.published()
    context = {"form": form, "loaded": loaded, "data": data, "problem": benchmarks.problem(data),
               "periods": [(p, data.population(p.academic_year))
                           for p in reversed(data.periods)]}  # fmt: skip
    return render(request, "reports/benchmarks.html", context, status=400 if posted else 200)
