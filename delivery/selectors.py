"""Reads of delivery methods: the ones shoppers may choose, and the default.

The active methods are cached under the catalog's version, as the public list is: every checkout and
cart page reads them, and staff change them rarely, through delivery.services (and the demo loader),
which bump that version. Without the cache (or on a miss), their query is compiled once per process."""

from catalog.cache import cached
from pharmacy.compiled_query import CompiledQuery

from .models import DeliveryMethod

_ACTIVE_METHODS = CompiledQuery(DeliveryMethod, DeliveryMethod.objects.active)


def list_active_delivery_methods() -> list[DeliveryMethod]:
    return cached("delivery-methods", fill=_ACTIVE_METHODS.run)


def default_delivery_method() -> DeliveryMethod | None:
    """The first active method: what an order gets when the shopper does not choose."""
    methods = list_active_delivery_methods()
    return methods[0] if methods else None
