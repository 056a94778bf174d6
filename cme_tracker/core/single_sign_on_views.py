"""mozilla-django-oidc's two views, made to fail politely: when single sign-on is not set up
the start is not found, and when the provider cannot be reached (or refuses) the person
is back at the sign-in page with a plain message, never a 500."""

import logging

import requests
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseRedirect
from django.utils.decorators import method_decorator
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import single_sign_on

logger = logging.getLogger("cme_tracker.sign_in")
UNREACHABLE = (requests.RequestException, ImproperlyConfigured, KeyError, ValueError)


class _Polite:
    """Not found while single sign-on is off; back at the sign-in page when the provider
    cannot be reached. ``step`` names the step for the log."""

    step = ""

    def get(self, request):
        if not single_sign_on.enabled():
            raise Http404("Single sign-on is not set up")
        try:
            return super().get(request)
        except UNREACHABLE as error:
            logger.warning("single sign-on could not %s: %s", self.step, type(error).__name__)
            return HttpResponseRedirect(self.get_settings("LOGIN_REDIRECT_URL_FAILURE"))


@method_decorator(login_not_required, name="dispatch")
class SignOnStart(_Polite, OIDCAuthenticationRequestView):
    step = "start"


@method_decorator(login_not_required, name="dispatch")
class SignOnReturn(_Polite, OIDCAuthenticationCallbackView):
    step = "finish"
