"""Money as Decimal plus currency. Never float; rounded once, at the edge."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, not {type(self.amount).__name__}")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"Currency must be an ISO 4217 code such as GBP, not {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal("0.00"), currency)

    def _check(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, quantity: int) -> "Money":
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise TypeError("Money can only be multiplied by a whole number")
        return Money(self.amount * quantity, self.currency)

    def rounded(self) -> "Money":
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        symbols = {"GBP": "£", "EUR": "€", "USD": "$"}
        amount = self.rounded().amount
        symbol = symbols.get(self.currency)
        return f"{symbol}{amount:,}" if symbol else f"{amount:,} {self.currency}"

    def as_dict(self) -> dict[str, str]:
        return {"amount": str(self.rounded().amount), "currency": self.currency}
