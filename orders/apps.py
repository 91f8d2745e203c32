from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders and prescriptions"

    def ready(self) -> None:
        from pharmacy.metrics import register_gauges

        from .metrics import order_gauges

        register_gauges(order_gauges)
