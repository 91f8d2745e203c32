from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"

    def ready(self) -> None:
        from orders.services.deadlines import DEADLINE_LIMITS
        from orders.state_machine import TRANSITION_LISTENERS
        from pharmacy.metrics import register_gauges

        from . import checks  # noqa: F401  (registers the system checks)
        from .listeners import authorisation_deadline_limit, on_order_transition
        from .metrics import payment_gauges

        register_gauges(payment_gauges)

        if on_order_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(on_order_transition)
        if authorisation_deadline_limit not in DEADLINE_LIMITS:
            DEADLINE_LIMITS.append(authorisation_deadline_limit)
