from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders and prescriptions"

    def ready(self) -> None:
        from .pharmacists import ensure_pharmacists_group

        # After auth has created this app's permissions (its receiver was connected first).
        post_migrate.connect(ensure_pharmacists_group, sender=self, dispatch_uid="orders.ensure_pharmacists_group")
