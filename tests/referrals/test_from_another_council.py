"""A case handed over by another council comes in as a referral from another local authority,
naming the council that sent it; the case shows it (withheld on a sensitive case, as the other
authority always is, from those without need to know)."""

import pytest
from django.urls import reverse

from cases.models import Episode
from cme_tracker.core import roles
from referrals.models import Referral, ReferralSource
from tests.conftest import _user_with_role
from tests.referrals.test_referral_form import nothing_saved, post, referral_data

pytestmark = pytest.mark.django_db


def from_another_council(**changes):
    return referral_data(**{"referral-source": ReferralSource.objects.get(code="OTHER_LA").pk,
                            **changes})  # fmt: skip


def test_a_case_from_another_council_names_the_council(client, officer):
    missing = post(client, officer, from_another_council())
    assert "Enter the council that sent the case" in missing.content.decode()
    assert nothing_saved()
    response = post(
        client,
        officer,
        from_another_council(**{"referral-sending_local_authority": "Leeds City Council"}),
    )
    assert response.status_code == 302
    assert Referral.objects.get().sending_local_authority == "Leeds City Council"
    episode = Episode.objects.get()
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Another local authority: Leeds City Council" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Sent by Leeds City Council" in history
    episode.is_sensitive = True
    episode.save()
    client.force_login(_user_with_role(roles.CME_OFFICER))
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Leeds City Council" not in page


def test_another_source_keeps_no_sending_council(client, officer):
    response = post(
        client, officer, referral_data(**{"referral-sending_local_authority": "Leeds City Council"})
    )
    assert response.status_code == 302
    assert Referral.objects.get().sending_local_authority == ""
