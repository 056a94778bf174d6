"""The embedded servers: started on demand, data kept across restarts, one per data dir."""

import os
import subprocess
import sys

import psycopg
import pytest
import redis
from django.conf import settings

from cme_tracker import embedded

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    embedded.stop_postgres(tmp_path)
    embedded.stop_redis(tmp_path)


def test_postgres_keeps_data_across_a_restart(data_dir):
    url = embedded.postgres_urls(data_dir).owner
    assert (data_dir / "postgres" / "PG_VERSION").exists()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (value text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    assert embedded.stop_postgres(data_dir)
    assert not embedded.postgres_running(data_dir)
    with psycopg.connect(embedded.postgres_urls(data_dir).owner) as conn:
        assert conn.execute("SELECT value FROM kept").fetchone() == ("still here",)


def test_postgres_makes_the_two_roles_and_the_owner_owns_the_database(data_dir):
    urls = embedded.postgres_urls(data_dir)
    with psycopg.connect(urls.owner, autocommit=True) as owner:
        assert owner.execute(
            "SELECT pg_get_userbyid(datdba), r.rolsuper FROM pg_database, pg_roles r "
            "WHERE datname = current_database() AND r.rolname = current_user"
        ).fetchone() == ("cme_owner", False)
    with psycopg.connect(urls.application, autocommit=True) as app:
        assert app.execute(
            "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone() == ("cme_app", False, False, False)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("CREATE TABLE mine (value text)")  # only the owner makes tables


def test_a_data_directory_from_before_the_two_roles_passes_to_the_owner(data_dir):
    """Made by the superuser, as every data directory was until the roles were split."""
    urls = embedded.postgres_urls(data_dir)
    with psycopg.connect(urls.superuser, autocommit=True) as superuser:
        superuser.execute("ALTER DATABASE cme OWNER TO postgres")
        superuser.execute("CREATE TABLE old (id bigserial PRIMARY KEY, value text)")
        superuser.execute("CREATE FUNCTION old_one() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    embedded.stop_postgres(data_dir)
    with psycopg.connect(embedded.postgres_urls(data_dir).owner, autocommit=True) as owner:
        owner.execute("ALTER TABLE old ADD COLUMN more text")  # only an owner may
        owner.execute("INSERT INTO old (value) VALUES ('x')")
        assert owner.execute("SELECT old_one()").fetchone() == (1,)


def test_redis_keeps_data_across_a_restart(data_dir):
    url = embedded.redis_url(data_dir)
    client = redis.Redis.from_url(url)
    client.set("kept", "still here")
    client.close()
    assert embedded.stop_redis(data_dir)
    assert not embedded.redis_running(data_dir)
    client = redis.Redis.from_url(embedded.redis_url(data_dir))
    assert client.get("kept") == b"still here"
    client.close()


def test_two_data_dirs_never_share_a_server(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    try:
        assert embedded.redis_url(first) != embedded.redis_url(second)
        redis.Redis.from_url(embedded.redis_url(first)).set("where", "first")
        assert redis.Redis.from_url(embedded.redis_url(second)).get("where") is None
        assert embedded.postgres_urls(first) != embedded.postgres_urls(second)
    finally:
        for directory in (first, second):
            embedded.stop_postgres(directory)
            embedded.stop_redis(directory)


def test_a_long_data_dir_path_still_gets_a_short_socket(tmp_path):
    deep = tmp_path / ("a-long-directory-name-" * 5)
    socket = embedded.redis_socket_path(deep)
    assert len(str(socket)) <= 100
    assert socket != embedded.redis_socket_path(tmp_path / "other")


def test_settings_honour_cme_data_dir(data_dir):
    """A fresh process with CME_DATA_DIR set keeps its servers' data there."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["CME_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "cme_tracker.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATA_DIR); print(settings.DATABASES['default']['HOST']); "
        "print(settings.REDIS_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data_dir_line, pg_host, redis_url = result.stdout.split()
    assert data_dir_line == str(data_dir)
    assert pg_host.startswith(str(data_dir))
    assert (data_dir / "postgres" / "PG_VERSION").exists()
    assert (data_dir / "redis").is_dir()
    assert redis_url == f"unix://{data_dir / 'redis' / 'redis.sock'}"
