"""Multi-factor sign-in: a password, then a code from an authenticator app (TOTP), or one of
ten single-use recovery codes. django-otp keeps the devices and checks the codes: a code
is good for its 30 seconds and one step either side, never twice (``last_t``), and wrong
codes slow the next try (its throttling). A recovery code is kept only as a keyed hash
(``stored_form``), so a copy of the database gives no one a code that works. This module
says who needs it and records each change to it, in the account changes, attributed.

Who needs it: everyone, when ``CME_MFA_REQUIRED`` (the default). Locally the demo sign-ins
may skip it (``CME_MFA_SKIPPED_FOR`` names the demo's test of a user; production refuses
it). A session signed in through
the council's identity provider counts as verified when ``CME_MFA_TRUST_IDENTITY_PROVIDER``
says the provider asked for a second factor itself.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccountChange

RECOVERY_CODES = 10
APP = "Authenticator app"
RECOVERY = "Recovery codes"
SINGLE_SIGN_ON = "cme_tracker.core.single_sign_on.CouncilSignOn"
_RECOVERY_SALT = "cme_tracker.core.second_factor.recovery_code"


def stored_form(code: str, secret=None) -> str:
    """What the database keeps of a recovery code: an HMAC-SHA256 of it under the SECRET_KEY,
    its first 16 hex digits (all django-otp's token column holds). A backup or a database
    reader learns no code; the key lives only in the servers' settings. Replacing the key
    keeps the codes working while the old one is in SECRET_KEY_FALLBACKS."""
    return salted_hmac(_RECOVERY_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def _stored_forms(code: str) -> list[str]:
    return [stored_form(code, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def signed_in_by_provider(request) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == SINGLE_SIGN_ON


def required(request) -> bool:
    """Whether this signed-in session must show a second factor before anything else."""
    user = request.user
    if not settings.CME_MFA_REQUIRED:
        return False
    if settings.CME_MFA_TRUST_IDENTITY_PROVIDER and signed_in_by_provider(request):
        return False
    skipped = settings.CME_MFA_SKIPPED_FOR
    return not (skipped and import_string(skipped)(user))


def app_device(user, *, locked: bool = False) -> TOTPDevice | None:
    """The user's authenticator app, once set up; ``locked``, its row held until the
    transaction ends."""
    devices = TOTPDevice.objects.select_for_update() if locked else TOTPDevice.objects
    return devices.filter(user=user, confirmed=True).first()


SETTING_UP = "cme_setting_up_device"  # the session's own unconfirmed device


def unconfirmed_device(request) -> TOTPDevice:
    """The app this session is setting up: its own key, kept in this session until it is
    confirmed (a reload shows the same key). Never another session's: someone who had only
    the password could otherwise read the key the owner is about to confirm."""
    user = request.user
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SETTING_UP, 0)
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP, confirmed=False)
        request.session[SETTING_UP] = device.pk
    return device


def qr_code(device: TOTPDevice) -> str:
    """The key as a QR code, an SVG data URI (an image: the content security policy allows
    no inline markup it would need)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def key_words(device: TOTPDevice) -> str:
    """The key to type in, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _record(actor, user, change: str) -> None:
    AccountChange.objects.create(actor=actor, user=user, changes={"second factor": [None, change]})


def confirm_app(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Finish setting up the app with a code from it: the session is then verified, and the
    new recovery codes are returned to be shown once. None: the code was wrong."""
    if device.user_id != request.user.pk or not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        # Any other key, confirmed or being set up elsewhere, stops working.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        request.session.pop(SETTING_UP, None)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(request.user)
        _record(request.user, request.user, "authenticator app set up")
    _verified(request, device)
    return codes


# Each check locks the device's row until it commits: django-otp's own check does not, so two
# sign-ins sending one code at the same moment could otherwise both be let in.


@transaction.atomic
def check_app_code(request, code: str) -> bool:
    """A code from the app, for this session: True, and the session is verified."""
    device = app_device(request.user, locked=True)
    if device is None or not device.verify_token(_digits(code)):
        return False
    _verified(request, device)
    return True


@transaction.atomic
def use_recovery_code(request, code: str) -> int | None:
    """A recovery code, used up: how many are left (the session is verified), or None.
    Only this checks a recovery code: django-otp's own check would take the stored form."""
    device = (
        StaticDevice.objects.select_for_update().filter(user=request.user, name=RECOVERY).first()
    )
    token = code.strip().replace(" ", "").replace("-", "").lower()
    if device is None or not token:
        return None
    forms = _stored_forms(token)
    known = device.token_set.filter(token__in=forms).values_list("token", flat=True).first()
    if not device.verify_token(known or forms[0]):  # a wrong code counts towards the wait
        return None
    _record(request.user, request.user, "recovery code used")
    _verified(request, device)
    return device.token_set.count()


def new_recovery_codes(request) -> list[str]:
    """Replace the signed-in user's recovery codes (the old ones stop working)."""
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        _record(request.user, request.user, "recovery codes replaced")
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY).count()


def reset(actor, user) -> None:
    """Remove someone's app and recovery codes (an administrator, for someone who lost their
    phone): they set up a new app at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _record(actor, user, "second factor reset")


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=stored_form(code)) for code in codes
    )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _digits(code: str) -> str:
    return "".join(code.split())


def _verified(request, device) -> None:
    request.session.cycle_key()  # a new session id for the stronger sign-in
    otp_login(request, device)
