"""The VAT arithmetic on Decimal edge cases: VAT-inclusive prices, rounding per line, mixed rates."""

from decimal import Decimal

import pytest

from orders.services.vat import RatedAmount, apportioned_vat, line_rate, percent, rate_for, vat_in_gross


@pytest.mark.parametrize(("gross", "rate", "vat"), [
    (Decimal("12.00"), Decimal("0.20"), Decimal("2.00")),      # exact: 10.00 + 20%
    (Decimal("3.49"), Decimal("0.20"), Decimal("0.58")),       # 0.58166… rounds down
    (Decimal("0.03"), Decimal("0.20"), Decimal("0.01")),       # 0.005 exactly: half-up, not banker's rounding
    (Decimal("0.02"), Decimal("0.20"), Decimal("0.00")),       # 0.00333…
    (Decimal("10.50"), Decimal("0.05"), Decimal("0.50")),      # reduced rate, exact
    (Decimal("12.99"), Decimal("0.05"), Decimal("0.62")),      # 0.61857… rounds up
    (Decimal("12.50"), Decimal("0"), Decimal("0.00")),         # zero-rated
    (Decimal("0.00"), Decimal("0.20"), Decimal("0.00")),
])
def test_vat_is_the_fraction_of_the_gross_rounded_half_up_to_the_penny(gross, rate, vat):
    assert vat_in_gross(gross, rate) == vat
    assert vat_in_gross(gross, rate).as_tuple().exponent == -2


def test_rounding_per_line_is_not_rounding_the_sum():
    # Three lines of £0.03 at 20%: each holds 0.005 of VAT (rounded to 0.01), the sum 0.015 (0.02).
    lines = [vat_in_gross(Decimal("0.03"), Decimal("0.20")) for _ in range(3)]
    assert sum(lines) == Decimal("0.03")
    assert vat_in_gross(Decimal("0.09"), Decimal("0.20")) == Decimal("0.02")


@pytest.mark.parametrize(("category", "product_rate", "rate"), [
    # dispensed against a prescription: zero-rated whatever the product says
    ("prescription", "standard", Decimal("0")),
    ("prescription", "reduced", Decimal("0")),
    ("pharmacy", "standard", Decimal("0.20")),    # over the counter: the product's rate
    ("general_sale", "standard", Decimal("0.20")),
    ("general_sale", "reduced", Decimal("0.05")),
    ("general_sale", "zero", Decimal("0")),
])
def test_a_lines_rate_follows_how_it_is_supplied(category, product_rate, rate):
    assert line_rate(legal_category=category, product_vat_rate=product_rate) == rate


def test_rates_come_from_settings(settings):
    settings.VAT_RATES = {**settings.VAT_RATES, "standard": "0.175"}

    assert rate_for("standard") == Decimal("0.175")
    assert percent(rate_for("standard")) == "17.5%"
    with pytest.raises(ValueError, match="no rate called 'luxury'"):
        rate_for("luxury")


def test_percent_is_written_without_trailing_zeros():
    assert [percent(Decimal(value)) for value in ("0.2000", "0.05", "0", "0.0000")] == ["20%", "5%", "0%", "0%"]


def test_delivery_vat_follows_the_goods_standard_rated_goods():
    goods = [RatedAmount(Decimal("12.00"), Decimal("0.20"))]
    assert apportioned_vat(Decimal("3.95"), goods) == Decimal("0.66")  # 0.6583…


def test_delivery_with_zero_rated_goods_only_carries_no_vat():
    assert apportioned_vat(Decimal("6.95"), [RatedAmount(Decimal("12.50"), Decimal("0"))]) == Decimal("0.00")


def test_delivery_of_a_mixed_order_is_apportioned_by_the_goods_gross_values():
    # £10 zero-rated prescription + £10 standard-rated: half the £6.00 charge carries 20% VAT.
    goods = [RatedAmount(Decimal("10.00"), Decimal("0")), RatedAmount(Decimal("10.00"), Decimal("0.20"))]
    assert apportioned_vat(Decimal("6.00"), goods) == Decimal("0.50")  # 3.00 × 20/120


def test_delivery_apportioned_across_three_rates_is_rounded_once():
    goods = [RatedAmount(Decimal("1.00"), rate) for rate in (Decimal("0"), Decimal("0.05"), Decimal("0.20"))]
    # 1.00 of the 3.00 charge at each rate: 0 + 0.047619… + 0.166666… = 0.214285… → 0.21
    assert apportioned_vat(Decimal("3.00"), goods) == Decimal("0.21")


def test_a_free_delivery_has_no_vat():
    assert apportioned_vat(Decimal("0.00"), [RatedAmount(Decimal("40.00"), Decimal("0.20"))]) == Decimal("0.00")


def test_delivery_of_free_goods_falls_back_to_the_standard_rate():
    assert apportioned_vat(Decimal("3.60"), [RatedAmount(Decimal("0.00"), Decimal("0"))]) == Decimal("0.60")
