"""Small facts about a request that several apps record."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import BadRequest, ImproperlyConfigured


def proxy_networks(entries) -> tuple:
    """The networks ``CME_TRUSTED_PROXIES`` lists, or ImproperlyConfigured saying what is
    wrong. A bare number was once how many proxies there were: it is refused, not read as
    an address (Python would take "1" for 0.0.0.1)."""
    networks = []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        try:
            if text.isdigit():
                raise ValueError("a number, not an address")
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f'CME_TRUSTED_PROXIES: "{text}" is not an address or network ({error}). List '
                "the addresses of the proxies in front of the web server, e.g. "
                "10.0.0.5,10.1.0.0/24"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple) -> tuple:
    return proxy_networks(entries)


def client_address(request) -> str | None:
    """The address the request came from. A request from one of ``CME_TRUSTED_PROXIES`` is
    believed about where it came from: X-Forwarded-For is read from its right-hand end, each
    entry added by a trusted proxy, until the first address that is not one. Anything to the
    left of that the client could have written itself; a request from anywhere else is taken
    at its own address, whatever it says."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted(tuple(settings.CME_TRUSTED_PROXIES))
    if not networks or remote is None:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    current = remote
    while hops and _is_proxy(current, networks):
        try:
            current = str(ipaddress.ip_address(hops.pop()))
        except ValueError:
            break  # a damaged header: the last proxy's own address is the most we know
    return current


def _is_proxy(address: str, networks: tuple) -> bool:
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(found in network for network in networks)


def site_link(path: str) -> str:
    """An address for an email: the site's own (``SITE_URL``) and ``path``."""
    return settings.SITE_URL.rstrip("/") + path


def page(request) -> str:
    """The page's address without its query string (which may hold a searched-for name)."""
    return request.path


class BadParameter(BadRequest):
    """A query parameter a page cannot use. Its message names the problem in plain words
    and is shown on the 400 page, so it must never quote more than the value's kind."""
