import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reports.exports import scorecard_csv, scorecard_json, scorecard_pdf, scorecard_xlsx
from reports.periods import financial_year
from reports.selectors import scorecard


class Command(BaseCommand):
    help = "The quarterly CME scorecard for a financial year, as CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Financial year, e.g. 2017/18")
        parser.add_argument("--snapshot", type=int, help="Read back a frozen snapshot by id.")
        parser.add_argument("--format", choices=["csv", "json", "xlsx", "pdf"], default="csv")
        parser.add_argument("--output", help="File to write; standard output when not given.")
        parser.add_argument(
            "--today", type=date.fromisoformat,
            help="Compute as on this date (default today): quarters after it are blank.",
        )  # fmt: skip

    def handle(self, *args, year, format, output=None, today=None, snapshot=None, **options):
        if snapshot is not None:
            return self._snapshot(snapshot, format, output)
        if not year:
            raise CommandError("Give --year, or --snapshot ID")
        try:
            start = financial_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        card = scorecard(start, today=today)
        if format in ("xlsx", "pdf"):
            if not output:
                raise CommandError(f"--format {format} needs --output FILE")
            body = (scorecard_xlsx if format == "xlsx" else scorecard_pdf)(card)
            with open(output, "wb") as handle:
                handle.write(body)
            self.stderr.write(f"Wrote the {card.year_label} scorecard to {output}")
            return
        text = scorecard_csv(card) if format == "csv" else scorecard_json(card)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote the {card.year_label} scorecard to {output}")
        else:
            sys.stdout.write(text)

    def _snapshot(self, snapshot_id, format, output):
        import json

        from reports.models import ScorecardSnapshot

        snapshot = ScorecardSnapshot.objects.filter(pk=snapshot_id).first()
        if snapshot is None:
            raise CommandError(f"No snapshot {snapshot_id}")
        body = {
            "csv": snapshot.csv,
            "json": json.dumps(snapshot.figures, indent=2),
            "xlsx": bytes(snapshot.xlsx),
            "pdf": bytes(snapshot.pdf),
        }[format]
        if isinstance(body, bytes):
            if not output:
                raise CommandError(f"--format {format} needs --output FILE")
            with open(output, "wb") as handle:
                handle.write(body)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(body)
        else:
            sys.stdout.write(body)
