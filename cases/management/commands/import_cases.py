import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.bulk.importer import import_file


class Command(BaseCommand):
    help = (
        "Import CME case history from a CSV or XLSX file, one row per episode. Every row is "
        "checked first; if any is invalid nothing is imported (unless --skip-invalid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows; report the rest."
        )
        parser.add_argument("--user", help="Username the import is recorded against.")

    def handle(self, *args, file, dry_run, skip_invalid, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user called {user}")
        with tqdm(desc="Checking rows", unit=" rows", file=sys.stderr,
                  disable=not sys.stderr.isatty()) as bar:  # fmt: skip
            report = import_file(
                path, file_name=path.name, by=by, dry_run=dry_run, skip_invalid=skip_invalid,
                progress=bar.update,
            )  # fmt: skip
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"… and {report.error_count - len(report.errors)} more problems")
        if dry_run and report.imported:
            self.stdout.write("Dry run: nothing was written.")
        self.stdout.write(report.summary)
        if not report.imported:
            raise CommandError(f"{report.error_count} problem(s): nothing was imported.")
