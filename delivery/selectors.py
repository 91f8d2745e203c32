"""Reads of delivery methods: the ones shoppers may choose, and the default.

The active methods are cached under the catalog's version, as the public list is: every checkout and
cart page reads them, and staff change them rarely, through delivery.services (and the demo loader),
which bump that version. Without the cache (or on a miss), their query is compiled once per process.

A process also keeps the list it last read with the version it was read at, for up to the cache's timeout:
a request that finds the same version (read once per request anyway, catalog.cache) takes it from there
rather than asking Redis for the entry and unpickling its instances again. A bump changes the version, so
the next request reads the new list. Each caller gets a list of its own, but the methods in it are shared
with the process's other requests: read them, never change them."""

import time

from django.conf import settings

from catalog.cache import cached, catalog_version
from pharmacy.compiled_query import CompiledQuery

from .models import DeliveryMethod

_ACTIVE_METHODS = CompiledQuery(DeliveryMethod, DeliveryMethod.objects.active)

# (catalog version, monotonic time it is kept until, the methods) of the last list read in this process.
_kept: tuple[int, float, list[DeliveryMethod]] | None = None


def list_active_delivery_methods() -> list[DeliveryMethod]:
    global _kept
    if not settings.CATALOG_CACHE_ENABLED:
        return _ACTIVE_METHODS.run()
    version, now = catalog_version(), time.monotonic()
    if _kept is not None and _kept[0] == version and now < _kept[1]:
        return list(_kept[2])
    methods = cached("delivery-methods", fill=_ACTIVE_METHODS.run)
    _kept = (version, now + settings.CATALOG_CACHE_TIMEOUT, methods)
    return list(methods)


def default_delivery_method() -> DeliveryMethod | None:
    """The first active method: what an order gets when the shopper does not choose."""
    methods = list_active_delivery_methods()
    return methods[0] if methods else None
