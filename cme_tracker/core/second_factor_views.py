"""The second step of signing in, and the user's own sign-in security page. Thin: the rules
and records are in ``second_factor``. Each page is reached signed in with a password; the
middleware (``SecondFactorRequired``) sends a session here until it is verified."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code", max_length=20,
        error_messages={"required": "Enter the 6-digit security code from your app"},
    )  # fmt: skip

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return code


class RecoveryForm(forms.Form):
    code = forms.CharField(
        label="Recovery code", max_length=20,
        error_messages={"required": "Enter one of your recovery codes"},
    )  # fmt: skip


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _page(request, template, form, **context):
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, "next": _next(request), **context},
                  status=status)  # fmt: skip


@login_required
def set_up(request):
    """Set up an authenticator app: its key as a QR code and as text, then a code from it.
    The recovery codes are shown once, on the page the code is accepted on."""
    if second_factor.app_device(request.user):  # one app; a lost one is reset, not added to
        if request.user.is_verified():
            return redirect("security")
        return redirect(f"{reverse('sign_in_code')}?{urlencode({'next': _next(request)})}")
    device = second_factor.unconfirmed_device(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = second_factor.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "second_factor/recovery_codes.html",
                          {"codes": codes, "next": _next(request), "new": True})  # fmt: skip
        form.add_error("code", _WRONG)
    qr_code, key = second_factor.qr_code(device), second_factor.key_words(device)
    return _page(request, "second_factor/set_up.html", form, qr_code=qr_code, key=key)


_WRONG = (
    "The security code is wrong or has expired: enter the code your app shows now. If it is "
    "still refused, check the time on your phone is set automatically"
)


@login_required
def code(request):
    """The second step of signing in: a code from the app."""
    if second_factor.app_device(request.user) is None:
        return redirect(f"{reverse('set_up_app')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if second_factor.check_app_code(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _WRONG)
    return _page(request, "second_factor/code.html", form)


@login_required
def recovery(request):
    """The second step with a recovery code, when the app is not to hand."""
    form = RecoveryForm(request.POST or None)
    if form.is_valid():
        left = second_factor.use_recovery_code(request, form.cleaned_data["code"])
        if left is not None:
            messages.warning(
                request,
                f"You used a recovery code. You have {left} left: each works once. "
                "You can get new ones from Sign-in security.",
            )
            return redirect(_next(request))
        form.add_error("code", "That recovery code is wrong or has been used: enter another")
    return _page(request, "second_factor/recovery.html", form)


@login_required
def security(request):
    """The user's own sign-in security: whether the app is set up, the recovery codes left."""
    return render(request, "second_factor/security.html", {
        "app": second_factor.app_device(request.user),
        "codes_left": second_factor.recovery_codes_left(request.user),
    })  # fmt: skip


@login_required
@require_POST
def replace_recovery_codes(request):
    if not request.user.is_verified():
        return redirect(f"{reverse('sign_in_code')}?next={reverse('security')}")
    codes = second_factor.new_recovery_codes(request)
    return render(request, "second_factor/recovery_codes.html",
                  {"codes": codes, "next": reverse("security"), "new": False})  # fmt: skip
