"""The scorecard on screen and as downloads, for managers and the head of service."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .exports import scorecard_csv, scorecard_json, scorecard_pdf, scorecard_xlsx
from .periods import current_financial_year, financial_year, year_label
from .scorecard import scorecard

SECTIONS = [
    ("New referrals", ["1a", "1b", "2", "3", "4", "5", "presenting_need", "open_to"]),
    ("Current caseload at the quarter end",
     ["6", "8", "9", "10", "11", "12", "13", "year_group", "ethnicity", "family_size",
      "overdue_at_end"]),
    ("Resolved cases", ["7", "closure_outcome", "median_days_to_close"]),
]  # fmt: skip


def _year(request) -> int:
    today = timezone.localdate()
    try:
        return financial_year(request.GET.get("year") or current_financial_year(today))
    except ValueError as error:
        raise Http404("No such financial year") from error


@permission_required("reports.view_reports", raise_exception=True)
def scorecard_page(request):
    year = _year(request)
    card = scorecard(year)
    grouped = []
    for title, ids in SECTIONS:
        indicators = []
        for indicator_id in ids:
            rows = [row for row in card.rows if row.indicator.id == indicator_id]
            indicators.append({"indicator": rows[0].indicator, "rows": rows})
        grouped.append({"title": title, "indicators": indicators})
    this_year = current_financial_year(timezone.localdate())
    return render(
        request,
        "reports/scorecard.html",
        {
            "card": card,
            "sections": grouped,
            "year_param": year_label(year),
            "years": [year_label(y) for y in range(this_year, this_year - 6, -1)],
            "trend_years": [year_label(year - 2), year_label(year - 1)],
        },
    )


@permission_required("reports.view_reports", raise_exception=True)
def scorecard_download(request, format):
    card = scorecard(_year(request))
    name = f"cme-scorecard-{card.year_label.replace('/', '-')}"
    body, content_type = {
        "csv": (scorecard_csv, "text/csv; charset=utf-8"),
        "json": (scorecard_json, "application/json"),
        "xlsx": (scorecard_xlsx,
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pdf": (scorecard_pdf, "application/pdf"),
    }[format]  # fmt: skip
    response = HttpResponse(body(card), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@permission_required("reports.view_reports", raise_exception=True)
def caseload_page(request):
    from .caseload import caseload_aging

    today = timezone.localdate()
    return render(
        request, "reports/caseload.html", {"aging": caseload_aging(today), "today": today}
    )
