from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from cases import selectors, services
from cases.bulk.exporter import export_file


class Command(BaseCommand):
    help = (
        "Export CME episodes in the import format (CSV, or XLSX by the file's name). Sensitive "
        "cases are exported only for a --user with sensitive access, and recorded in the "
        "access log under that user."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="username of the person the export is for")

    def handle(self, *args, file, user=None, **options):
        person = AnonymousUser()  # no one: no sensitive access
        if user:
            person = get_user_model().objects.filter(username=user, is_active=True).first()
            if person is None:
                raise CommandError(f"No active user {user!r}.")
        episodes = selectors.exportable_episodes(person)
        if person.is_authenticated:
            services.access_log_record(
                user=person, episodes=selectors.sensitive_ids(episodes),
                page="manage.py export_cases", client_address=None, details_shown=True,
            )  # fmt: skip
        count = export_file(file, episodes)
        left_out = selectors.sensitive_left_out_of_export(person)
        self.stdout.write(f"Wrote {count} episodes to {file}")
        if left_out:
            self.stdout.write(
                f"Left out {left_out} sensitive episodes: give --user for someone with "
                "sensitive access to include them."
            )
