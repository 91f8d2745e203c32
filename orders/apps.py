from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from notifications.registry import register
        from pharmacy.metrics import register_gauges

        from .emails import build_order_email
        from .metrics import order_gauges
        from .models import EACH_TIME_MESSAGE_KINDS, MessageKind

        register_gauges(order_gauges)
        # The outbox sends the order's messages with the builder of the app that owns the order.
        for kind in MessageKind:
            register(kind, build_order_email, each_time=kind in EACH_TIME_MESSAGE_KINDS)
