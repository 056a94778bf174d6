"""Small facts about a request that several apps record."""

import ipaddress

from django.conf import settings
from django.core.exceptions import BadRequest


def client_address(request) -> str | None:
    """The address the request came from. Behind ``CME_TRUSTED_PROXIES`` proxies, each of which
    adds the address it saw to X-Forwarded-For, that is the entry the outermost one added;
    anything before it the client could have written itself."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CME_TRUSTED_PROXIES
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def page(request) -> str:
    """The page's address without its query string (which may hold a searched-for name)."""
    return request.path


class BadParameter(BadRequest):
    """A query parameter a page cannot use. Its message names the problem in plain words
    and is shown on the 400 page, so it must never quote more than the value's kind."""
