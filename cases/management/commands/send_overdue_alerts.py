from datetime import date

from django.core.management.base import BaseCommand

from cases.services import overdue_alerts_send
from cme_tracker.core import jobs


class Command(BaseCommand):
    help = (
        "Alert officers to overdue enquiries, escalate long-overdue ones and flag quiet cases "
        "to managers. Safe to run any number of times: each alert is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Run as on this date.")

    def handle(self, *args, today=None, **options):
        with jobs.recorded("send_overdue_alerts", trigger="command") as run:
            sent = overdue_alerts_send(today=today)
            run.counts = {"alerts": sent}
        self.stdout.write(f"sent {sent} alert{'s' if sent != 1 else ''}")
