"""VAT: the one place that turns VAT-inclusive prices into VAT amounts.

Prices include VAT (as UK shoppers see them). A line's VAT is the VAT fraction of its gross,
gross × rate / (1 + rate), rounded half-up to the penny once per line.

Which rate a line carries follows how it is supplied, not only what it is:
- a prescription-only medicine (POM) is supplied here only when dispensed by a pharmacist against a
  prescription for the patient's personal use, and that supply is zero-rated (VAT Act 1994, Schedule 8,
  Group 12, item 1; HMRC VAT Notice 701/57);
- an over-the-counter sale (general sale, pharmacy medicine) carries the product's own rate
  (`Product.vat_rate`, standard by default).

Delivery follows the goods it delivers (HMRC VAT Notice 700/24, section 5: a delivery charge made by
the supplier of the goods is part of that supply). For an order mixing rates, the charge is apportioned
between the rates in proportion to the lines' gross values, and the VAT of each share is added up and
rounded once. A zero-rated prescription delivered alone therefore has no VAT on its delivery either.

The rates are settings (`VAT_RATES`, by name) so that a change of rate is configuration, not code.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from catalog.models import LegalCategory, VatRate
from pharmacy.money import CENT

ZERO = Decimal("0")


def rate_for(name: str) -> Decimal:
    """The rate (e.g. Decimal("0.20")) a VAT rate name stands for, from settings."""
    try:
        return Decimal(str(settings.VAT_RATES[name]))
    except KeyError:
        raise ValueError(f"VAT_RATES has no rate called {name!r}") from None


def line_rate(*, legal_category: str, product_vat_rate: str) -> Decimal:
    """The rate of one line: zero for a dispensed prescription-only medicine, else the product's."""
    if legal_category == LegalCategory.PRESCRIPTION:
        return rate_for(VatRate.ZERO)
    return rate_for(product_vat_rate)


def vat_in_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a VAT-inclusive amount, rounded half-up to the penny."""
    if rate == ZERO or gross == ZERO:
        return Decimal("0.00")
    return (gross * rate / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RatedAmount:
    """A VAT-inclusive amount and the rate it carries (a line's total, for example)."""

    gross: Decimal
    rate: Decimal


def apportioned_vat(charge: Decimal, goods: Iterable[RatedAmount]) -> Decimal:
    """The VAT in a charge (delivery) that follows the goods: shared between their rates in
    proportion to their gross values, rounded once at the end."""
    goods = list(goods)
    if charge == ZERO:
        return Decimal("0.00")
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for item in goods:
        by_rate[item.rate] += item.gross
    total = sum(by_rate.values(), ZERO)
    if total == ZERO:  # nothing to follow (free goods only): the standard rate
        return vat_in_gross(charge, rate_for(VatRate.STANDARD))
    vat = sum((charge * gross / total * rate / (1 + rate) for rate, gross in by_rate.items()), ZERO)
    return vat.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_by_rate(lines: Iterable) -> list[tuple[Decimal, Decimal]]:
    """[(rate, VAT)] over order lines with `vat_rate` and `vat_amount`, highest rate first (a receipt's
    VAT summary)."""
    totals: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.vat_rate] += line.vat_amount
    return sorted(totals.items(), reverse=True)


def percent(rate: Decimal) -> str:
    """0.20 → "20%", 0.05 → "5%", 0.175 → "17.5%"."""
    value = (rate * 100).normalize()
    return f"{value:f}%"
