"""Run the whole system in the foreground: web server, Celery worker and Celery beat.

Ctrl-C stops all three, then the embedded PostgreSQL and Redis if this machine runs them.
"""

import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from honcho.manager import Manager

from cme_tracker import embedded
from demo import loader as demo


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat together (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args, port, **options):
        python = sys.executable
        manager = Manager()
        manager.add_process("web", f"{python} manage.py runserver 127.0.0.1:{port} --noreload")
        manager.add_process(
            "worker",
            f"{python} -m celery -A cme_tracker worker --loglevel=INFO --concurrency=2 "
            "--without-gossip --without-mingle",
        )
        manager.add_process(
            "beat",
            f"{python} -m celery -A cme_tracker beat --loglevel=INFO "
            f"--schedule {settings.DATA_DIR / 'celerybeat-schedule'}",
        )
        self._banner(port)
        try:
            manager.loop()
        finally:
            self._stop_embedded()
        # Ctrl-C is how everything is meant to stop: not an error for make to report.
        sys.exit(0 if manager.returncode in (130, -signal.SIGINT) else manager.returncode)

    def _banner(self, port):
        lines = [
            "",
            f"The CME tracker is starting at http://127.0.0.1:{port}/",
            "",
            f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):",
            *[f"  {username:<10} {role}" for username, _, _, role in demo.DEMO_USERS],
            "",
            "Press Ctrl-C to stop everything.",
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _stop_embedded(self):
        # A second Ctrl-C (make passes its own on) must not cut the shutdown short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if settings.EMBEDDED_SERVERS["postgres"] and embedded.stop_postgres(settings.DATA_DIR):
            self.stdout.write("Stopped the embedded PostgreSQL.")
        if settings.EMBEDDED_SERVERS["redis"] and embedded.stop_redis(settings.DATA_DIR):
            self.stdout.write("Stopped the embedded Redis.")
