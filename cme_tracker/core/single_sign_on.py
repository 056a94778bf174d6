"""Single sign-on with the council's identity provider (OpenID Connect, e.g. Microsoft Entra
ID), through mozilla-django-oidc, configured from the environment (settings/base.py).

- **Who**: a person is matched by the provider's subject (``sub``), never by email, which a
  provider can give to someone else. The first sign-in creates the account, with no role.
- **Roles** come from the provider's groups claim (``CME_OIDC_GROUPS_CLAIM``): each of the four
  roles names the provider's group (or Entra group id) that holds it
  (``CME_OIDC_ROLE_GROUPS``). They are set afresh at every sign-in: someone moved out of the
  groups, a leaver, has no role from their next sign-in, and a session's identity is checked
  with the provider again every ``OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS`` (the SessionRefresh
  middleware), so a leaver the provider has disabled is signed out then. An account
  deactivated here cannot sign in at all. Each change of role is recorded in Account
  changes, by the system.
- A local account (with a password) is never taken over: a provider's user whose username is
  already a local account's is refused, and the log says so.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import accounts, roles

logger = logging.getLogger("cme_tracker.sign_in")


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


_ROLES = {
    "officer": roles.CME_OFFICER,
    "manager": roles.TEAM_MANAGER,
    "head_of_service": roles.HEAD_OF_SERVICE,
    "administrator": roles.ADMINISTRATOR,
}


def role_groups() -> dict[str, str]:
    """The provider's group for each role that has one."""
    return {_ROLES[key]: group for key, group in settings.CME_OIDC_ROLE_GROUPS.items() if group}


def roles_for(claims: dict) -> set[str]:
    """The roles a person's groups give them (none when no group is mapped)."""
    groups = claims.get(settings.CME_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    held = {str(group) for group in groups}
    return {role for role, group in role_groups().items() if group in held}


class CouncilSignOn(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching by subject and mapping groups to roles."""

    def authenticate(self, request, **kwargs):
        """Only the sign-on callback, with the nonce it keeps, is a single sign-on. Django
        asks every backend about every sign-in, and the library's would otherwise act on any
        request carrying ``code`` and ``state`` (a password sign-in's address included),
        fail, and hide the failed password from throttling."""
        match = getattr(request, "resolver_match", None)
        if (
            not enabled()
            or match is None
            or match.url_name != "oidc_authentication_callback"
            or "nonce" not in kwargs
        ):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            logger.warning("single sign-on could not finish: %s", type(error).__name__)
            return None

    def get_userinfo(self, access_token, id_token, payload):
        """The provider's answer about the person, with the groups from the signed ID token
        where it has them (Entra puts groups there, not in its userinfo)."""
        claims = dict(super().get_userinfo(access_token, id_token, payload))
        name = settings.CME_OIDC_GROUPS_CLAIM
        if name in payload:
            claims[name] = payload[name]
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(sso_subject=_subject(claims))

    def create_user(self, claims):
        username = str(claims.get("preferred_username") or claims.get("email") or "")[:150]
        username = username or f"sso-{claims['sub']}"[:150]
        email = str(claims.get("email") or "")
        taken = self.UserModel.objects.filter(username__iexact=username)
        if email:
            taken = taken | self.UserModel.objects.filter(email__iexact=email)
        if taken.exists():
            logger.warning(
                "single sign-on refused: the provider's user has the username or email of an "
                "existing account, which single sign-on does not take over"
            )
            raise SuspiciousOperation("username or email held by another account")
        with transaction.atomic():
            user = self.UserModel.objects.create_user(
                username, email=email, sso_subject=_subject(claims),
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
            )  # fmt: skip
            user.set_unusable_password()
            user.save(update_fields=["password"])
            _set_roles(user, claims)
        return user

    def update_user(self, user, claims):
        with transaction.atomic():
            _set_roles(user, claims)
        return user


def _subject(claims: dict) -> str:
    return f"{settings.CME_OIDC_ISSUER}|{claims['sub']}"[:255]


def _set_roles(user, claims: dict) -> None:
    """The user's roles, as their groups say now; recorded when that changes anything."""
    before = accounts.access_of(user)
    wanted = roles_for(claims)
    user.groups.set(Group.objects.filter(name__in=wanted))
    staff = roles.ADMINISTRATOR in wanted or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    accounts.account_change_record(actor=None, user=user, before=before)
