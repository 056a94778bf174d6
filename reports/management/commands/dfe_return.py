from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reports.benchmarks import compare
from reports.dfe_exports import FORMATS, render
from reports.selectors import dfe_return


def _census_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "The DfE termly CME return at a census date, in the DfE's categories: CSV "
        "(breakdown,category,count, as the DfE's collection takes it), JSON, XLSX or PDF; the "
        "XLSX and PDF carry the DfE's published benchmarks when a term of them is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--census-date", required=True, type=_census_date,
                            help="The census date, YYYY-MM-DD.")  # fmt: skip
        parser.add_argument("--format", choices=list(FORMATS), default="csv")
        parser.add_argument("--output", help="File to write; standard output when not given.")

    def handle(self, *args, census_date, format, output=None, **options):
        result = dfe_return(census_date)
        # The CSV stays the three columns the DfE's collection takes; the rest are for reading.
        body = render(result, format, None if format == "csv" else compare(result))
        if isinstance(body, bytes) and not output:
            raise CommandError(f"--format {format} needs --output FILE")
        if not output:
            self.stdout.write(body, ending="")
            return
        try:
            with open(output, "wb") as handle:
                handle.write(body if isinstance(body, bytes) else body.encode())
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}") from None
        self.stderr.write(f"Wrote the DfE return at {census_date:%-d %B %Y} to {output}")
