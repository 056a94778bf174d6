"""Repeated wrong passwords lock the sign-in; the right one does not get through meanwhile."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_account(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "a-test-password-1"}
    )
    assert "Sign-in is locked for this account" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_sessions_expire_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_passwords_are_hashed_with_argon2_in_production():
    from cme_tracker.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
