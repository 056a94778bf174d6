from datetime import date

from django.core.management.base import BaseCommand

from demo import loader as demo


class Command(BaseCommand):
    help = "Load synthetic demo data (once: a second run changes nothing) and the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--children", type=int, default=demo.TARGET_CHILDREN,
                            help="How many children to make (%(default)s).")  # fmt: skip

    def handle(self, *args, today=None, seed=2026, children=demo.TARGET_CHILDREN, **options):
        result = demo.load_demo(today=today, seed=seed, children=children,
                                progress=self._progress)  # fmt: skip
        if result is None:
            self.stdout.write("Demo data is already loaded; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data: {result.children} children in {result.families} families, "
                f"{result.episodes} episodes ({result.open_episodes} open), "
                f"{result.enquiries} enquiries, {result.schools} schools, {result.users} users, "
                f"{result.snapshots} scorecard snapshots."
            )
        )

    def _progress(self, done: int, target: int):
        if done == 0:
            self.stdout.write(f"Loading synthetic demo data ({target} children, under a minute)")
        else:
            self.stdout.write(f"  {done} of {target} children made")
        self.stdout.flush()
