"""System checks that need the database: in production, the application's role must not be
able to rewrite the audit trail."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError, connections

from . import database_roles


@register("database_roles", deploy=False)
def application_role_is_unprivileged(app_configs=None, **kwargs):
    if not settings.CME_CHECK_DATABASE_ROLE:
        return []
    try:
        problems = database_roles.application_role_problems(connections["default"])
    except DatabaseError as error:
        return [
            Warning(
                f"Could not check the application's database role: {type(error).__name__}.",
                id="cme.W001",
            )
        ]
    return [
        Error(
            f"{problem.capitalize()}: it could rewrite the case history and the access log.",
            hint="Connect as a role that owns nothing and is no superuser (see the README, "
            "'Database roles'); migrations run as the owner role, DATABASE_OWNER_URL.",
            id="cme.E001",
        )
        for problem in problems
    ]
