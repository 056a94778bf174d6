from datetime import date

from django.core.management.base import BaseCommand

from cme_tracker.core import demo


class Command(BaseCommand):
    help = "Load synthetic demo data (once: a second run changes nothing) and the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, today=None, seed=2026, **options):
        result = demo.load_demo(today=today, seed=seed)
        if result is None:
            self.stdout.write("Demo data is already loaded; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data: {result.children} children in {result.families} families, "
                f"{result.episodes} episodes ({result.open_episodes} open), "
                f"{result.enquiries} enquiries, {result.schools} schools, {result.users} users."
            )
        )
