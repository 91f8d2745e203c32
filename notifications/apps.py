from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications: the outbox"

    def ready(self) -> None:
        from pharmacy.metrics import register_gauges

        from . import checks  # noqa: F401  (registers the system checks)
        from .metrics import outbox_gauges

        register_gauges(outbox_gauges)
