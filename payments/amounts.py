"""Every amount the payments app computes, in one place.

`payable_amount` is what the shopper owes for an order once its lines are decided: the lines still to
be supplied (not refused, less any packs staff could not supply) plus any delivery charge. Capture,
the refund of a shortfall and the receipt all ask here. Minor units (pence) exist only at the gateway
edge: `to_minor` and `from_minor`.
"""

from decimal import ROUND_HALF_UP, Decimal

from orders.models import LineDecision, Order
from pharmacy.money import Money

CENT = Decimal("0.01")


def payable_amount(order: Order) -> Money:
    lines = order.lines.exclude(decision=LineDecision.REFUSED).values_list(
        "unit_price_amount", "quantity", "quantity_not_supplied")
    # Packs staff could not supply (supply less) are not charged: only what is sent is payable.
    goods = sum((Decimal(price) * (quantity - short) for price, quantity, short in lines), Decimal("0"))
    delivery = Decimal(getattr(order, "delivery_amount", None) or 0)  # a delivery charge, where orders have one
    return Money((goods + delivery).quantize(CENT, ROUND_HALF_UP), order.currency)


def authorisation_amount(order: Order) -> Money:
    """What checkout authorises: the whole order total (delivery included, where there is one)."""
    return Money(Decimal(order.total_amount).quantize(CENT, ROUND_HALF_UP), order.currency)


def to_minor(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), ROUND_HALF_UP))


def from_minor(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(CENT)
