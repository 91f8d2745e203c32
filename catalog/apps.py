from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from pharmacy.metrics import register_gauges

        from .metrics import import_run_gauges

        register_gauges(import_run_gauges)
