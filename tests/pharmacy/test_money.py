from decimal import Decimal

import pytest

from pharmacy.money import CurrencyMismatch, Money


def test_money_adds_and_multiplies_exactly():
    total = Money(Decimal("0.10"), "GBP") * 3 + Money(Decimal("0.20"), "GBP")
    assert total == Money(Decimal("0.50"), "GBP")


def test_money_refuses_float_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(4.99, "GBP")
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "GBP") + Money(Decimal("1"), "EUR")
    with pytest.raises(TypeError):
        Money(Decimal("1"), "GBP") * 1.5
    with pytest.raises(ValueError):
        Money(Decimal("1"), "gbp")


def test_money_rounds_half_up_once_at_the_edge():
    assert Money(Decimal("2.675"), "GBP").rounded().amount == Decimal("2.68")
    assert str(Money(Decimal("1234.5"), "GBP")) == "£1,234.50"
    assert Money(Decimal("4.995"), "EUR").as_dict() == {"amount": "5.00", "currency": "EUR"}
