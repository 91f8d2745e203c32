"""Choosing a delivery method at checkout, and what it costs."""

from dataclasses import dataclass

from django.db import transaction

from catalog.cache import bump_catalog_version
from pharmacy.money import Money

from .exceptions import DeliveryMethodUnavailable
from .models import DeliveryMethod
from .selectors import default_delivery_method, list_active_delivery_methods


@dataclass(frozen=True)
class DeliveryQuote:
    method: DeliveryMethod | None
    charge: Money
    subtotal: Money  # the goods it was quoted for

    @property
    def name(self) -> str:
        return self.method.name if self.method else ""

    @property
    def total(self) -> Money:
        return (self.subtotal + self.charge).rounded()

    @property
    def is_free_by_threshold(self) -> bool:
        return self.method is not None and self.method.free_over_amount is not None and self.charge.amount == 0


def choose_delivery_method(*, code: str | None) -> DeliveryMethod | None:
    """The active method with this code; with no code, the default (the first active one).

    An unknown or retired code is refused with `field="delivery_method"`. Without a code and with no
    method configured at all the answer is None: delivery is then free (a fresh install before the
    demo data or the admin has added one).
    """
    if not code:
        return default_delivery_method()
    method = next((method for method in list_active_delivery_methods() if method.code == code), None)
    if method is None:
        raise DeliveryMethodUnavailable(field="delivery_method")
    return method


def quote_delivery(*, method: DeliveryMethod | None, subtotal: Money) -> DeliveryQuote:
    """The charge for delivering goods worth `subtotal` (the lines, including VAT)."""
    if method is None:
        return DeliveryQuote(method=None, charge=Money.zero(subtotal.currency), subtotal=subtotal)
    return DeliveryQuote(method=method, charge=method.charge_for(subtotal), subtotal=subtotal)


def estimate_delivery(*, subtotal: Money) -> list[DeliveryQuote]:
    """What each active method would cost for these goods (the cart page's estimate), default first."""
    return [quote_delivery(method=method, subtotal=subtotal) for method in list_active_delivery_methods()]


@transaction.atomic
def save_delivery_method(*, method: DeliveryMethod) -> DeliveryMethod:
    """Save a method (admin): the public list is cached under the catalog's version, so bump it."""
    method.full_clean()
    method.save()
    bump_catalog_version()
    return method


@transaction.atomic
def delete_delivery_method(*, method: DeliveryMethod) -> None:
    """Delete a method no order used (orders PROTECT theirs: retire a used one by making it inactive)."""
    method.delete()
    bump_catalog_version()
