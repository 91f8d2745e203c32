"""Reads of the payments app for other apps (the release gate): where an order's money stands."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from orders.models import Order
from pharmacy.money import Money

from .amounts import CENT, payable_amount
from .models import Payment, PaymentStatus


@dataclass(frozen=True)
class PaymentStanding:
    """An order's money, as our records have it."""

    required: bool  # the order went through the payment step (or the shop takes payment at checkout)
    payable: Money  # what the shopper owes for what is being supplied
    captured: Money  # charged and kept: captured less refunded, over the captured payments
    latest_status: str  # the newest payment's status ("" without one)

    @property
    def is_settled_for_supply(self) -> bool:
        """Captured for the payable amount, or nothing to pay."""
        return not self.required or self.payable.amount <= 0 or self.captured.amount >= self.payable.amount


def get_payment_standing(order: Order) -> PaymentStanding:
    payments = list(Payment.objects.filter(order_id=order.pk).order_by("pk")
                    .values_list("status", "amount_captured", "amount_refunded"))
    captured = sum((Decimal(taken) - Decimal(refunded) for status, taken, refunded in payments
                    if status == PaymentStatus.CAPTURED), Decimal("0"))
    return PaymentStanding(
        required=bool(payments) or settings.PAYMENTS_AT_CHECKOUT,
        payable=payable_amount(order),
        captured=Money(captured.quantize(CENT), order.currency),
        latest_status=payments[-1][0] if payments else "",
    )
