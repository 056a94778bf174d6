from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


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
