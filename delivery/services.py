"""Choosing a delivery method at checkout, and what it costs."""

from dataclasses import dataclass

from pharmacy.money import Money

from .exceptions import DeliveryMethodUnavailable
from .models import DeliveryMethod
from .selectors import default_delivery_method


@dataclass(frozen=True)
class DeliveryQuote:
    method: DeliveryMethod | None
    charge: Money

    @property
    def name(self) -> str:
        return self.method.name if self.method else ""


def choose_delivery_method(*, code: str | None) -> DeliveryMethod | None:
    """The active method with this code; with no code, the default (the first active one).

    An unknown or retired code is refused with `field="delivery_method"`. Without a code and with no
    method configured at all the answer is None: delivery is then free (a fresh install before the
    demo data or the admin has added one).
    """
    if not code:
        return default_delivery_method()
    method = DeliveryMethod.objects.filter(code=code, is_active=True).first()
    if method is None:
        raise DeliveryMethodUnavailable(field="delivery_method")
    return method


def quote_delivery(*, method: DeliveryMethod | None, subtotal: Money) -> DeliveryQuote:
    """The charge for delivering goods worth `subtotal` (the lines, including VAT)."""
    if method is None:
        return DeliveryQuote(method=None, charge=Money.zero(subtotal.currency))
    return DeliveryQuote(method=method, charge=method.charge_for(subtotal))
