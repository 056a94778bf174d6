"""The identity provider's endpoints, read from its discovery document
(``{issuer}/.well-known/openid-configuration``) the first time one is needed, so a council
configures single sign-on with its issuer, client id and secret alone. Settings hold lazy
strings (this module imports nothing of Django's apps, so settings can use it)."""

from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy


@lru_cache(maxsize=4)
def document(issuer: str) -> dict:
    import requests

    address = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(address, timeout=10)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise ImproperlyConfigured(
            f"could not read the identity provider's configuration at {address} "
            f"({type(error).__name__})"
        ) from None


def _endpoint(issuer: str, name: str) -> str:
    return document(issuer)[name]


def discovered(issuer: str, name: str, given: str = ""):
    """``given`` when set; else the provider's own, looked up when first used."""
    if given or not issuer:
        return given
    return lazy(_endpoint, str)(issuer, name)
