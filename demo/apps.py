from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo shop: its catalog (data files under demo/), logins and `manage.py load_demo_catalog`. The top
    layer, so it may import every app."""

    name = "demo"
    verbose_name = "Demo shop"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check for demo logins)
