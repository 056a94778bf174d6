"""The scorecard on screen and as downloads, for managers and the head of service."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cme_tracker.core.http import BadParameter
from schools import deletion_selectors, enquiry_selectors
from schools import selectors as school_selectors

from . import selectors, services
from .exports import (
    CONTENT_TYPES,
    scorecard_csv,
    scorecard_json,
    scorecard_pdf,
    scorecard_xlsx,
)
from .figures import Figure
from .forms import CommentaryForm, SnapshotForm, TargetForm
from .indicators import ACTIVE_RATE, BY_ID, INDICATORS, SECTIONS
from .models import IndicatorTarget, ScorecardSnapshot
from .periods import current_financial_year, financial_year, year_label
from .snapshots import quarter_name, snapshot_sections


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = financial_year(request.GET.get("year") or current_financial_year(today))
    except ValueError as error:
        raise BadParameter(
            "The year must be a financial year written like 2025/26, from 1990/91 on"
        ) from error
    if year > today.year + 1:  # the dates a scorecard can count
        raise BadParameter(f"The year must be no later than {year_label(today.year + 1)}")
    return year


@permission_required("reports.view_reports", raise_exception=True)
def scorecard_page(request):
    year = _year(request)
    card = selectors.scorecard(year)
    grouped = []
    for section in SECTIONS:
        title = section.title
        indicators = []
        for indicator_id in section.indicators:
            rows = card.rows_of(indicator_id)
            indicators.append({"indicator": rows[0].indicator, "rows": rows,
                               "lines": [_line(row, card) for row in rows]})  # fmt: skip
        commentary = [(number, card.commentary.get((title, number))) for number in (1, 2, 3, 4)]
        for item in indicators:
            item["chart"] = _chart(item["indicator"].id, item["rows"], card)
        grouped.append({
            "title": title,
            "indicators": indicators,
            "commentary": [(number, text) for number, text in commentary if text],
            "notes": card.notes.get(title, []),
            "form": CommentaryForm(initial={"section": title, "quarter": _latest_quarter(card),
                                            "text": card.commentary.get(
                                                (title, _latest_quarter(card)), "")},
                                   prefix=f"s{len(grouped)}"),
        })  # fmt: skip
    this_year = current_financial_year(timezone.localdate())
    return render(
        request,
        "reports/scorecard.html",
        {
            "card": card,
            "sections": grouped,
            "year_param": year_label(year),
            "years": [year_label(y) for y in range(this_year, this_year - 6, -1)],
            "trend_years": card.trend_labels,
        },
    )


@permission_required("reports.view_reports", raise_exception=True)
def scorecard_download(request, format):
    card = selectors.scorecard(_year(request))
    name = f"cme-scorecard-{card.year_label.replace('/', '-')}"
    render_as = {"csv": scorecard_csv, "json": scorecard_json, "xlsx": scorecard_xlsx,
                 "pdf": scorecard_pdf}[format]  # fmt: skip
    response = HttpResponse(render_as(card), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@permission_required("reports.view_reports", raise_exception=True)
def caseload_page(request):
    today = timezone.localdate()
    year_start = date(current_financial_year(today), 4, 1)
    return render(request, "reports/caseload.html", {
        "aging": selectors.caseload_aging(today), "today": today,
        "school_finds": school_selectors.school_finds(request.user, today, year_start),
        "deletions": deletion_selectors.waiting_deletions(today),
        "enquiries": enquiry_selectors.open_enquiries(today),
        "handovers": case_selectors.handovers_to_chase(today),
        "handover_chase_days": settings.CME_HANDOVER_CHASE_WORKING_DAYS,
        "deletion_flag_days": settings.CME_DELETION_NOTICE_FLAG_WORKING_DAYS,
    })  # fmt: skip


def _line(row, card) -> dict:
    """A row's cells as shown: each value with its direction, and a link to the cases it
    counts (none for nought, a share, a median or a count of families)."""

    def link(value, year, quarter):
        figure = Figure(row.indicator.id, year, quarter, row.breakdown)
        return figure.link() if value and figure.is_cases() else None

    return {
        "row": row,
        "quarters": [(value, direction, link(value, card.year, number))
                     for number, value, direction in zip((1, 2, 3, 4), row.quarters,
                                                         row.directions, strict=True)],
        "ytd": (row.ytd, link(row.ytd, card.year, 0)),
        "trend": [(value, link(value, year, 0))
                  for value, year in zip(row.trend, (card.year - 2, card.year - 1), strict=True)],
    }  # fmt: skip


# Where people would rather look than read: a chart above the table, which stays as the
# accessible alternative. Stacked shares per quarter, or bars for one quarter's spread.
CHARTS = {"ethnicity": "shares", "5": "shares", "family_size": "bars", "12": "bars",
          "1a": "flow"}  # fmt: skip
# Colours are classes (static/src/_cme.scss: cme-chart-colour-0 to -9), and sizes whole
# percentages (cme-chart-w-N, cme-chart-h-N): the content security policy allows no inline
# style.
COLOURS = 10


def _chart(indicator_id, rows, card):
    kind = CHARTS.get(indicator_id)
    if kind is None:
        return None
    labels = [q.label.split(" ")[0] for q in card.quarters]
    if kind == "shares":
        parts = [r for r in rows if r.breakdown]
        columns = []
        for index, label in enumerate(labels):
            total = sum(r.quarters[index] or 0 for r in parts)
            segments = [
                {"label": r.breakdown, "value": r.quarters[index] or 0,
                 "percent": round(100 * (r.quarters[index] or 0) / total, 1) if total else 0,
                 "colour": n % COLOURS}
                for n, r in enumerate(parts)
            ]  # fmt: skip
            columns.append({"label": label, "segments": segments, "total": total})
        legend = [{"label": r.breakdown, "colour": n % COLOURS}
                  for n, r in enumerate(parts)]  # fmt: skip
        return {"kind": "shares", "columns": columns, "legend": legend}
    if kind == "flow":
        resolved = next(r for r in card.rows if r.indicator.id == "7")
        new = rows[0]
        top = max([v or 0 for v in new.quarters + resolved.quarters] + [1])
        bars = [{"label": label,
                 "pairs": [("New", new.quarters[i] or 0, 0),
                           ("Resolved", resolved.quarters[i] or 0, 1)]}
                for i, label in enumerate(labels)]  # fmt: skip
        for bar in bars:
            bar["pairs"] = [(name, value, colour, round(100 * value / top, 1))
                            for name, value, colour in bar["pairs"]]  # fmt: skip
        return {"kind": "flow", "bars": bars, "title": "New referrals against cases resolved"}
    parts = [r for r in rows if r.breakdown and r.breakdown != "Total families"]
    values = [(r.breakdown, r.ytd or 0) for r in parts]
    top = max([v for _, v in values] + [1])
    return {"kind": "bars", "bars": [(label, value, round(100 * value / top, 1))
                                     for label, value in values]}  # fmt: skip


def _latest_quarter(card) -> int:
    begun = [q.number for q in card.quarters if q.start <= card.today]
    return begun[-1] if begun else 1


@require_POST
@permission_required("reports.manage_scorecard", raise_exception=True)
def commentary_save(request):
    year = _year(request)
    prefix = request.POST.get("prefix", "")
    form = CommentaryForm(request.POST, prefix=prefix)
    back = reverse("reports:scorecard") + f"?year={year_label(year)}"
    if form.is_valid():
        services.commentary_save(
            year=year, quarter=form.cleaned_data["quarter"], section=form.cleaned_data["section"],
            text=form.cleaned_data["text"], by=request.user,
        )  # fmt: skip
        messages.success(request, f"Commentary on {form.cleaned_data['section']} saved")
    else:
        messages.error(request, "Write the performance analysis before saving it")
    return redirect(back)


def targets_page(request):
    """Targets and tolerances: for the head of service and administrators."""
    user = request.user
    if not (
        user.has_perm("reports.manage_scorecard") or user.has_perm("reports.change_indicatortarget")
    ):
        raise PermissionDenied

    existing = {t.indicator: t for t in IndicatorTarget.objects.all()}
    forms = []
    for indicator in INDICATORS:
        target = existing.get(indicator.id) or IndicatorTarget(
            indicator=indicator.id, polarity=indicator.polarity
        )
        forms.append((indicator, TargetForm(
            request.POST or None, instance=target, prefix=indicator.id,
            benchmarked=indicator.id == ACTIVE_RATE,
        )))  # fmt: skip
    valid = [form.is_valid() for _, form in forms]  # every form, so every error shows
    if request.method == "POST" and all(valid):
        for indicator, form in forms:
            if form.has_changed():
                services.target_save(indicator=indicator.id, by=user, **form.cleaned_data)
        messages.success(request, "Targets saved")
        return redirect("reports:targets")
    return render(
        request,
        "reports/targets.html",
        {"forms": forms, "form_list": [form for _, form in forms], "indicators": BY_ID},
    )


# Snapshots -----------------------------------------------------------------------------------


@permission_required("reports.view_reports", raise_exception=True)
def snapshots_page(request):
    return render(request, "reports/snapshots.html", {"snapshots": selectors.snapshot_list()})


@permission_required("reports.view_reports", raise_exception=True)
def snapshot_page(request, pk):
    snapshot = get_object_or_404(selectors.snapshot_for_page(), pk=pk)
    return render(
        request,
        "reports/snapshot.html",
        {"snapshot": snapshot, "changes": selectors.snapshot_changes(snapshot),
         "figures": snapshot_sections(snapshot)},
    )  # fmt: skip


@permission_required("reports.view_reports", raise_exception=True)
def snapshot_download(request, pk, format):
    """The stored bytes: the same file every time."""
    snapshot = get_object_or_404(ScorecardSnapshot, pk=pk)
    body = {"csv": snapshot.csv.encode(), "xlsx": bytes(snapshot.xlsx),
            "pdf": bytes(snapshot.pdf)}[format]  # fmt: skip
    response = HttpResponse(body, content_type=CONTENT_TYPES[format])
    name = f"cme-scorecard-{snapshot.year}-q{snapshot.quarter}-snapshot-{snapshot.pk}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("reports.manage_scorecard", raise_exception=True)
def snapshot_take(request):
    form = SnapshotForm(
        request.POST if request.method == "POST" else None, today=timezone.localdate(),
        initial={"quarter": request.GET.get("quarter")},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        year, number = form.cleaned_data["quarter"]
        try:
            snapshot = services.snapshot_take(year=year, quarter=number, by=request.user,
                                              reason=form.cleaned_data["reason"])  # fmt: skip
        except services.SnapshotRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"Snapshot of {quarter_name(snapshot.period)} taken")
            return redirect("reports:snapshot", pk=snapshot.pk)
    return render(request, "reports/snapshot_take.html", {"form": form})
