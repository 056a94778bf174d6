from django.core.management.base import BaseCommand

from cases.history.exporter import export_history


class Command(BaseCommand):
    help = "Export every CME episode in the import format (CSV, or XLSX by the file's name)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        count = export_history(file)
        self.stdout.write(f"Wrote {count} episodes to {file}")
