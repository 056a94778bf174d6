import logging
import time
from urllib.parse import urlencode

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class SessionKeptAlive:
    """A signed-in session ends after SESSION_COOKIE_AGE without a request. Its expiry moves
    on at most once a minute (``SESSION_RENEW_SECONDS``), not with every page: saving the
    session on every request was a database write for every page anyone opened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get("renewed_at", 0) >= settings.SESSION_RENEW_SECONDS:
                session["renewed_at"] = now  # saved, with its expiry set afresh
        return self.get_response(request)


class NoStoreForSignedInUsers:
    """Pages for signed-in users hold children's details: browsers and proxies keep no copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def unavailable(*, too_slow: bool = False) -> HttpResponse:
    """The 503 page, drawn without the database: no user, no messages."""
    response = HttpResponse(render_to_string("503.html", {"too_slow": too_slow}), status=503)
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
            if isinstance(exception.__cause__, psycopg.errors.QueryCanceled):
                # The statement timeout (production settings): one runaway query, cancelled.
                logger.warning("statement timeout: answered 503 for %s", request.path)
                return unavailable(too_slow=True)
            logger.warning("database unreachable: answered 503 for %s", request.path)
            return unavailable()
        return None


class SecondFactorRequired:
    """A session signed in with a password alone reaches nothing but the second step of
    signing in (and signing out) until it shows a code (``second_factor.required``)."""

    OPEN = ("/sign-in/", "/sign-out/", "/static/", "/healthz", "/oidc/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN)
            and not user.is_verified()
        ):
            from . import second_factor

            if second_factor.required(request):
                step = "sign_in_code" if second_factor.app_device(user) else "set_up_app"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)
