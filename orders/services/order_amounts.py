"""An order's amounts at checkout: the lines' subtotal, the delivery charge, VAT, and the total.

Everything here is arithmetic on rows already loaded (no queries), so checkout's query count does not
grow with its lines.
"""

from dataclasses import dataclass
from decimal import Decimal

from delivery.models import DeliveryMethod
from delivery.services import DeliveryQuote, quote_delivery
from pharmacy.money import Money

from .vat import RatedAmount, apportioned_vat, line_rate, vat_in_gross


@dataclass(frozen=True)
class LineVat:
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class OrderAmounts:
    subtotal: Money
    delivery: DeliveryQuote
    delivery_vat: Money
    vat: Money
    line_vat: dict[int, LineVat]  # by cart line id

    @property
    def total(self) -> Money:
        return (self.subtotal + self.delivery.charge).rounded()


def order_amounts(*, lines: list, delivery_method: DeliveryMethod | None, currency: str) -> OrderAmounts:
    """`lines` are cart lines with their pack and product loaded."""
    line_vat: dict[int, LineVat] = {}
    goods: list[RatedAmount] = []
    subtotal = Money.zero(currency)
    for line in lines:
        product = line.pack.product
        gross = line.line_total.rounded()
        rate = line_rate(legal_category=product.legal_category, product_vat_rate=product.vat_rate)
        line_vat[line.pk] = LineVat(rate=rate, amount=vat_in_gross(gross.amount, rate))
        goods.append(RatedAmount(gross=gross.amount, rate=rate))
        subtotal += gross
    delivery = quote_delivery(method=delivery_method, subtotal=subtotal)
    delivery_vat = Money(apportioned_vat(delivery.charge.amount, goods), currency)
    lines_vat = sum((vat.amount for vat in line_vat.values()), Decimal("0.00"))
    return OrderAmounts(
        subtotal=subtotal, delivery=delivery, delivery_vat=delivery_vat,
        vat=Money(lines_vat, currency) + delivery_vat, line_vat=line_vat,
    )


def reprice_without_refused_lines(*, order) -> None:
    """After a pharmacist refuses a line: the order costs what is still supplied plus its delivery.

    The delivery charge stays as placed (a refusal never makes delivery dearer, even when the rest falls
    under the free-delivery threshold); its VAT is apportioned again over the lines still supplied.
    Saves the order's amounts; the caller holds the order's lock.
    """
    from ..models import LineDecision, OrderLine

    kept = list(OrderLine.objects.filter(order=order).exclude(decision=LineDecision.REFUSED).order_by("pk"))
    goods = [RatedAmount(gross=line.unit_price_amount * line.quantity, rate=line.vat_rate) for line in kept]
    subtotal = Money(sum((item.gross for item in goods), Decimal("0.00")), order.currency).rounded()
    delivery_vat = apportioned_vat(order.delivery_amount, goods) if kept else Decimal("0.00")
    order.subtotal_amount = subtotal.amount
    order.delivery_vat_amount = delivery_vat
    order.vat_amount = sum((line.vat_amount for line in kept), Decimal("0.00")) + delivery_vat
    order.total_amount = (subtotal + order.delivery).rounded().amount
    order.save(update_fields=["subtotal_amount", "delivery_vat_amount", "vat_amount", "total_amount", "updated_at"])
