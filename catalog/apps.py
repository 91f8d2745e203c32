from django.apps import AppConfig
from django.core.signals import request_finished, request_started


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from pharmacy.metrics import register_gauges

        from .cache import forget_version_after_request, remember_version_for_request
        from .metrics import import_run_gauges

        register_gauges(import_run_gauges)
        request_started.connect(remember_version_for_request, dispatch_uid="catalog_version_memo_start")
        request_finished.connect(forget_version_after_request, dispatch_uid="catalog_version_memo_end")
