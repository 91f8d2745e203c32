"""Reads of delivery methods: the ones shoppers may choose, and the default."""

from .models import DeliveryMethod


def list_active_delivery_methods() -> list[DeliveryMethod]:
    return list(DeliveryMethod.objects.active())


def default_delivery_method() -> DeliveryMethod | None:
    """The first active method: what an order gets when the shopper does not choose."""
    return DeliveryMethod.objects.active().first()
