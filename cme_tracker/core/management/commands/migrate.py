"""``migrate``, run as the database's owner role: the application's role cannot change the
schema (see ``cme_tracker.core.database_roles``)."""

from django.core.management.commands import migrate

from cme_tracker.core import database_roles


class Command(migrate.Command):
    help = migrate.Command.help + " Connects as the owner role (DATABASE_OWNER_URL)."

    def handle(self, *args, **options):
        with database_roles.as_owner(options["database"]):
            return super().handle(*args, **options)
