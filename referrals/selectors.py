"""Reads of referrals."""

from .models import Referral


def referral_saved_from(token) -> Referral | None:
    """The referral a form already saved, if it did."""
    return Referral.objects.filter(form_token=token).first() if token else None
