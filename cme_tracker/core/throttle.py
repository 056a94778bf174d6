"""Sign-in throttling, on django-axes' record of failed attempts (``AccessAttempt``), which
administrators see and clear in the admin.

Two limits, because each alone fails someone:
- **A username** is slowed, not shut: after ``AXES_FAILURE_LIMIT`` failures in a row it waits
  30 seconds before the next try, twice as long after each further failure, at most
  ``CME_SIGN_IN_LONGEST_WAIT``. A colleague (or anyone) typing wrong passwords for someone
  costs its owner seconds, while guessing gets a few tries an hour. The failures are
  forgotten a day after the last (``AXES_COOLOFF_TIME``), or at a successful sign-in.
- **A client address** from which ``CME_SIGN_IN_FAILURES_PER_ADDRESS`` different usernames
  fail within ``CME_SIGN_IN_ADDRESS_WINDOW`` is refused every sign-in, right or wrong, until
  the window has passed since its last failure: spraying many usernames gets nowhere, while
  one person's stale saved password, however often it fails, counts once.
- A browser its owner has signed in with passes the username's pause (``known_browser``).

The address is the client's own behind the configured proxies (``http.client_address``), so
one office's proxy does not throttle the office.

While refused, attempts are not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
off), so hammering does not lengthen the wait. Each refusal that begins is logged.
"""

from __future__ import annotations

import hashlib
import logging
import math
import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Count, Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from . import http

logger = logging.getLogger("cme_tracker.sign_in")
FIRST_WAIT = timedelta(seconds=30)


@dataclass(frozen=True)
class Refusal:
    """Why sign-in is refused for now, and until when."""

    by: str  # "username" or "address"
    failures: int
    until: datetime

    def wait_words(self, now: datetime) -> str:
        seconds = max(1, math.ceil((self.until - now).total_seconds()))
        if seconds < 60:
            return f"{seconds} second{'s' if seconds != 1 else ''}"
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


def wait_after(failures: int) -> timedelta:
    """How long a username waits after this many failures in a row."""
    over = failures - settings.AXES_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(over, 20), settings.CME_SIGN_IN_LONGEST_WAIT)


def refusal(request, credentials=None, now: datetime | None = None) -> Refusal | None:
    """The refusal in force for this sign-in (its username, its address), if any: one query."""
    now = now or timezone.now()
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or http.client_address(request)
    window = settings.CME_SIGN_IN_ADDRESS_WINDOW
    parts = {}
    if username:
        parts["user"] = Q(username=username)
    if address:
        parts["address"] = Q(ip_address=address, attempt_time__gte=now - window)
    if not parts:
        return None
    aggregates = {}
    if "user" in parts:
        aggregates["user_failures"] = Sum("failures_since_start", filter=parts["user"])
        aggregates["user_last"] = Max("attempt_time", filter=parts["user"])
    if "address" in parts:  # how many usernames failed from here lately, not how often
        aggregates["address_failures"] = Count("username", distinct=True, filter=parts["address"])
        aggregates["address_last"] = Max("attempt_time", filter=parts["address"])
    either = reduce(operator.or_, parts.values())
    seen = AccessAttempt.objects.filter(either).aggregate(**aggregates)
    found = []
    user_failures = seen.get("user_failures") or 0
    until = seen["user_last"] + wait_after(user_failures) if user_failures else now
    if until > now and not known_browser(request, username):
        found.append(Refusal("username", user_failures, until))
    address_failures = seen.get("address_failures") or 0
    if address_failures >= settings.CME_SIGN_IN_FAILURES_PER_ADDRESS:
        found.append(Refusal("address", address_failures, seen["address_last"] + window))
    return max(found, key=lambda refused: refused.until, default=None)


# A browser someone has signed in with before passes their username's pause (never the
# address limit): a colleague's wrong passwords do not keep its owner out. The cookie names
# the username only as a signed digest, and a wrong password with it takes it away.
KNOWN_BROWSER = "cme_known_browser"
KNOWN_FOR = timedelta(days=90)
_SIGNER = signing.TimestampSigner(salt="cme_tracker.core.throttle.known_browser")


def _digest(username: str) -> str:
    return hashlib.sha256(username.casefold().encode()).hexdigest()[:32]


def known_browser(request, username: str | None) -> bool:
    cookie = request.COOKIES.get(KNOWN_BROWSER, "")
    if not username or not cookie:
        return False
    try:
        return _SIGNER.unsign(cookie, max_age=KNOWN_FOR) == _digest(username)
    except signing.BadSignature:
        return False


def remember_browser(response, username: str) -> None:
    response.set_cookie(
        KNOWN_BROWSER, _SIGNER.sign(_digest(username)), max_age=int(KNOWN_FOR.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, locking by the two limits above instead of its one count."""

    def is_locked(self, request, credentials=None) -> bool:
        request.cme_refusal = refusal(request, credentials)
        return request.cme_refusal is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused_already = getattr(request, "cme_refusal", None) is not None
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_already:
            return
        request.cme_refusal = refusal(request, credentials)
        request.axes_locked_out = request.cme_refusal is not None
        if request.cme_refusal:
            _log(request, credentials, request.cme_refusal)


def _log(request, credentials, refused: Refusal) -> None:
    """A refusal begins: who or where, for how long, never the password or the username
    typed (which can be a password typed in the wrong box)."""
    wait = refused.wait_words(timezone.now())
    if refused.by == "address":
        logger.warning(
            "sign-in refused from address %s for %s after %d usernames failed in %d minutes",
            request.axes_ip_address, wait, refused.failures,
            settings.CME_SIGN_IN_ADDRESS_WINDOW.total_seconds() // 60,
        )  # fmt: skip
        return
    user = (
        get_user_model()
        .objects.filter(username=get_client_username(request, credentials))
        .values_list("pk", flat=True)
        .first()
    )
    logger.warning(
        "sign-in refused for %s for %s after %d failures in a row (from address %s)",
        f"user {user}" if user else "a username no account has", wait, refused.failures,
        request.axes_ip_address,
    )  # fmt: skip


def refused_response(request, original_response=None, credentials=None):
    """The page a refused sign-in gets (429): how long to wait, and who can clear it."""
    refused = getattr(request, "cme_refusal", None) or refusal(request, credentials)
    now = timezone.now()
    context = {
        "by_address": refused is not None and refused.by == "address",
        "wait": refused.wait_words(now) if refused else "a few minutes",
        "longest": int(settings.CME_SIGN_IN_LONGEST_WAIT.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
