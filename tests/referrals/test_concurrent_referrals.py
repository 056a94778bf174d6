"""One referral, one child, however often or concurrently the form is sent: the form's token
is used once, and the duplicate check and the new child are taken in turn in the database."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Child, Episode
from referrals.models import Referral
from tests.conftest import load_reference_data
from tests.referrals.test_referral_form import referral_data

pytestmark = pytest.mark.django_db(transaction=True)


def send_together(officer, forms: list[dict]) -> list:
    """Each form posted from its own thread (its own connection), all at the same moment."""
    start = threading.Barrier(len(forms))
    answers: list = [None] * len(forms)

    def send(index, data):
        try:
            client = Client()
            client.force_login(officer)
            start.wait(timeout=10)
            answers[index] = client.post(reverse("referrals:new"), data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n, data)) for n, data in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


@pytest.fixture
def officer(transactional_db):
    from cme_tracker.core import roles
    from tests.conftest import _user_with_role

    load_reference_data()
    return _user_with_role(roles.CME_OFFICER)


def test_the_same_form_sent_twice_at_once_saves_one_child(officer):
    data = referral_data(**{"referral-form_token": str(uuid.uuid4())})
    answers = send_together(officer, [data, data])
    assert [answer.status_code for answer in answers] == [302, 302]
    assert Child.objects.count() == Episode.objects.count() == Referral.objects.count() == 1
    episode = Episode.objects.get()
    assert {answer.url for answer in answers} == {episode.get_absolute_url()}


def test_two_forms_for_one_child_sent_at_once_save_one_and_send_the_other_to_the_check(
    officer,
):
    first = referral_data(**{"referral-form_token": str(uuid.uuid4())})
    second = referral_data(**{"referral-form_token": str(uuid.uuid4())})
    answers = send_together(officer, [first, second])
    assert Child.objects.count() == Episode.objects.count() == Referral.objects.count() == 1
    saved = str(Referral.objects.get().form_token)
    [other] = {first["referral-form_token"], second["referral-form_token"]} - {saved}
    assert sorted(answer.url for answer in answers) == [
        Episode.objects.get().get_absolute_url(),  # whichever came first
        reverse("referrals:check", args=[other]),  # the other, to see the child just added
    ]


def test_a_form_sent_again_later_goes_to_the_case_it_saved(officer):
    client = Client()
    client.force_login(officer)
    data = referral_data(**{"referral-form_token": str(uuid.uuid4())})
    first = client.post(reverse("referrals:new"), data)
    again = client.post(reverse("referrals:new"), data, follow=True)
    assert Referral.objects.count() == 1
    assert again.redirect_chain[-1][0] == first.url
    assert "was already saved from this form" in again.content.decode()
