"""/healthz answers for load balancers and Docker: no sign-in, 503 naming what is down."""

import pytest
from django.db import connections


def test_healthy_when_database_and_redis_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_redis_down_is_named(client, db, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path / 'no-redis-here.sock'}"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] != "ok"


@pytest.fixture
def unreachable_database(django_db_blocker):
    """Point the real connection at a database that does not exist, then put it back."""
    connection = connections["default"]
    with django_db_blocker.unblock():
        connection.close()
        real_name = connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = "no_such_database"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = real_name


def test_database_down_is_named(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] != "ok"
    assert body["checks"]["redis"] == "ok"
