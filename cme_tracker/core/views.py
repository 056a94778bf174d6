import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .http import BadParameter
from .middleware import DATABASE_DOWN, unavailable


@require_GET
@never_cache
@login_not_required
def healthz(request):
    """200 when PostgreSQL and Redis answer; 503 naming whichever does not."""
    checks = {"database": health.database_problem(), "redis": health.redis_problem()}
    failing = [name for name, problem in checks.items() if problem]
    body = {
        "status": "ok" if not failing else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=503 if failing else 200)


def server_error(request):
    """The 500 page; or, when the cause is the database being out of reach, the 503 one."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


def bad_request(request, exception):
    """The 400 page: the problem named when a page said what it was (``BadParameter``);
    any other refusal (a host not allowed, a damaged request) says only that it was one."""
    problem = str(exception) if isinstance(exception, BadParameter) else ""
    try:
        return render(request, "400.html", {"problem": problem, "page": request.path}, status=400)
    except Exception:  # e.g. a host not allowed, which the page's own links would ask again
        return HttpResponseBadRequest("Bad request", content_type="text/plain")
