"""One runaway query cannot hold a web worker: in the web server a statement the database has
not answered within the timeout is cancelled, and the page says so in plain words."""

import pytest
from django.db import connection

from .test_settings import manage, production_env

SHOW_TIMEOUT = (
    "shell", "-c",
    "from django.db import connection; c = connection.cursor(); "
    "c.execute('SHOW statement_timeout'); print('timeout', c.fetchone()[0])",
)  # fmt: skip


def test_the_web_server_has_a_statement_timeout_and_the_worker_none():
    web = manage(*SHOW_TIMEOUT, CME_PROCESS="web", WEB_STATEMENT_TIMEOUT_MS="2500",
                 **production_env())  # fmt: skip
    assert "timeout 2500ms" in web.stdout, web.stderr
    worker = manage(*SHOW_TIMEOUT, **production_env())  # celery and migrate: no limit
    assert "timeout 0" in worker.stdout, worker.stderr


def test_gunicorn_tells_its_workers_they_serve_the_web():
    from pathlib import Path

    settings = {}
    exec(Path("gunicorn.conf.py").read_text(), settings)  # noqa: S102
    assert "CME_PROCESS=web" in settings["raw_env"]
    assert settings["worker_class"] == "gthread" and settings["timeout"] >= 10


@pytest.mark.django_db(transaction=True)  # as in production: no test transaction around it
def test_a_cancelled_query_answers_503_saying_the_page_took_too_long(client, officer, monkeypatch):
    from cases import selectors

    def runaway(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 50")
            try:
                cursor.execute("SELECT pg_sleep(5)")
            finally:
                cursor.execute("SET statement_timeout = 0")

    monkeypatch.setattr(selectors, "caseload_summary", runaway)
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 503
    assert "This page took too long" in response.content.decode()
    monkeypatch.undo()
    assert client.get("/").status_code == 200  # the connection is fine for the next page
