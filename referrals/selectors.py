"""Reads of referrals."""

from .models import Referral


def referral_saved_from(token) -> Referral | None:
    """The referral a form already saved, if it did."""
    return Referral.objects.filter(form_token=token).first() if token else None


def referrals_for_case(episode) -> list[Referral]:
    """The referrals a case holds: the one that opened it and any added since, oldest first."""
    return list(
        Referral.objects.filter(referredchild__episode=episode)
        .select_related("source")
        .order_by("received_on", "pk")
        .distinct()
    )


def referrals_by_id(ids) -> dict[int, Referral]:
    return {r.pk: r for r in Referral.objects.filter(pk__in=ids).select_related("source")}
