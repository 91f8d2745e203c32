"""Reads of delivery methods: the ones shoppers may choose, and the default."""

from pharmacy.compiled_query import CompiledQuery

from .models import DeliveryMethod

# The cart page quotes every active method on each request: its query is compiled once per process.
_ACTIVE_METHODS = CompiledQuery(DeliveryMethod, DeliveryMethod.objects.active)


def list_active_delivery_methods() -> list[DeliveryMethod]:
    return _ACTIVE_METHODS.run()


def default_delivery_method() -> DeliveryMethod | None:
    """The first active method: what an order gets when the shopper does not choose."""
    return DeliveryMethod.objects.active().first()
