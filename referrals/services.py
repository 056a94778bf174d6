"""Intake writes: recording referrals and which children they name."""

from datetime import date

from django.db import transaction

from .models import Referral, ReferralSource, ReferredChild


@transaction.atomic
def referral_record(*, source: ReferralSource, received_on: date, by, **details) -> Referral:
    """Record a referral as received. Children are added with ``referral_add_child``."""
    return Referral.objects.create(source=source, received_on=received_on, created_by=by, **details)


@transaction.atomic
def referral_add_child(*, referral: Referral, child, episode) -> ReferredChild:
    """Name ``child`` on ``referral``, with the episode the referral opened or joined."""
    return ReferredChild.objects.create(referral=referral, child=child, episode=episode)
