from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo data and ``make run``'s server. Built on the domain apps, which never
    import it; production settings leave it out, so its commands cannot run there."""

    name = "demo"
    verbose_name = "Demo data"
