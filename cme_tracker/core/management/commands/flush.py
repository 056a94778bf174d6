"""``flush``, run as the database's owner role: only the owner may TRUNCATE (the test run
empties its tables this way between tests that commit)."""

from django.core.management.commands import flush

from cme_tracker.core import database_roles


class Command(flush.Command):
    help = flush.Command.help + " Connects as the owner role (DATABASE_OWNER_URL)."

    def handle(self, **options):
        with database_roles.as_owner(options["database"]):
            return super().handle(**options)
