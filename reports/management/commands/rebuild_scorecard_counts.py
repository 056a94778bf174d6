from django.core.management.base import BaseCommand

from cme_tracker.core import jobs
from reports import counting


class Command(BaseCommand):
    help = (
        "Make the scorecard's counts afresh from the case tables (needed only after loading "
        "data with database triggers off)."
    )

    def handle(self, *args, **options):
        with jobs.recorded("rebuild_scorecard_counts", trigger="command") as run:
            made = counting.count_afresh()
            run.counts = {"counts": made}
        self.stdout.write(f"{made} scorecard counts made afresh")
