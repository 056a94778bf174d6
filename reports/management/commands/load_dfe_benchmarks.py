from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reports.services import benchmarks_load


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Load the DfE's published children missing education census file (the explore "
        "education statistics CSV) to compare the council with England, its region and its "
        "statistical neighbours. All or nothing: a file with a problem loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The DfE's CSV, as downloaded.")
        parser.add_argument("--published", required=True, type=_day,
                            help="The date the DfE published the release, YYYY-MM-DD.")  # fmt: skip

    def handle(self, *args, file, published, **options):
        try:
            with open(file, "rb") as source:
                result = benchmarks_load(source, file_name=file.rsplit("/", 1)[-1],
                                         published_on=published)  # fmt: skip
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}") from None
        for line in result.problems:
            self.stderr.write(line)
        if result.problem_count > len(result.problems):
            self.stderr.write(f"... and {result.problem_count - len(result.problems)} more")
        for line in result.summary():
            (self.stdout if result.loaded else self.stderr).write(line)
        if not result.loaded:
            raise CommandError("Nothing was loaded: put the problems right and load it again.")
