from django.core.management.base import BaseCommand, CommandError

from cme_tracker.core import jobs
from reports import services
from reports.periods import financial_year


class Command(BaseCommand):
    help = "Freeze a quarter's scorecard (figures, commentary, XLSX and PDF) as it stands now."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2017/18")
        parser.add_argument("--quarter", required=True, type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--reason", default="", help="Why, when the quarter has a snapshot")

    def handle(self, *args, year, quarter, reason, **options):
        try:
            start = financial_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            with jobs.recorded("snapshot_scorecard", trigger="command") as run:
                snapshot = services.snapshot_take(year=start, quarter=quarter, reason=reason)
                run.counts = {"snapshot": snapshot.pk}
        except services.SnapshotRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(f"snapshot {snapshot.pk}")
