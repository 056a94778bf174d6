from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "cme_tracker.core"
    label = "core"
    verbose_name = "Users and roles"

    def ready(self):
        from . import checks  # noqa: F401  (registers the database role check)

        post_migrate.connect(after_migrate, dispatch_uid="cme_after_migrate")


def after_migrate(sender, app_config=None, using="default", **kwargs):
    """Once per migrate, after the last app: roles hold their permissions, the audit tables
    their triggers, and the application's database role its grants."""
    from django.apps import apps as global_apps
    from django.db import connections

    from . import database_roles, roles

    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if app_config is not with_models[-1]:
        return
    roles.sync_roles(kwargs.get("apps", global_apps))
    database_roles.install(connections[using])
