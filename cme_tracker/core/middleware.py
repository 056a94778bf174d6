import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class NoStoreForSignedInUsers:
    """Pages for signed-in users hold children's details: browsers and proxies keep no copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def unavailable() -> HttpResponse:
    """The 503 page, drawn without the database: no user, no messages."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    patch_cache_control(response, no_store=True)
    return response


DATABASE_DOWN = (OperationalError, InterfaceError)


class ServiceUnavailableWithoutTheDatabase:
    """While PostgreSQL cannot be reached, a page answers 503 "service unavailable" (a GOV.UK
    page), never a 500 or a traceback. This catches it in a view; ``views.server_error``
    (the 500 handler) where a middleware meets it first. Nothing is half-saved: each change is
    one transaction, rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("database unreachable: answered 503 for %s", request.path)
            return unavailable()
        return None
