"""Sessions expire when idle, and passwords are hashed with Argon2 (sign-in throttling is in
test_sign_in_throttle)."""

import pytest

pytestmark = pytest.mark.django_db


def test_sessions_expire_after_thirty_idle_minutes_and_pages_keep_them_alive(client, officer):
    import datetime as dt

    import time_machine
    from django.contrib.sessions.models import Session

    def expires():
        return Session.objects.get(pk=client.session.session_key).expire_date

    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(officer)
        client.get("/")
        first = expires()
        assert first == start + dt.timedelta(minutes=30)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert client.get("/").status_code == 200
        assert expires() == first  # within the minute: no write
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assert client.get("/").status_code == 200
        assert expires() == start + dt.timedelta(minutes=50)  # renewed
    with time_machine.travel(start + dt.timedelta(minutes=51), tick=False):
        assert client.get("/").status_code == 302  # idle 31 minutes: signed out


def test_passwords_are_hashed_with_argon2_in_production():
    from cme_tracker.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
