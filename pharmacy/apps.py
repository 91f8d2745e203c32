from django.apps import AppConfig


class PharmacyConfig(AppConfig):
    name = "pharmacy"
    verbose_name = "Pharmacy"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
