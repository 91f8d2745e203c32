"""Product identifiers: GTIN (EAN-8/12/13, GTIN-14) with its GS1 mod-10 check digit."""

from django.core.exceptions import ValidationError

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10: weights 3 and 1 alternate from the rightmost digit of the body."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) in GTIN_LENGTHS
        and gtin_check_digit(value[:-1]) == int(value[-1])
    )


def validate_gtin(value: str) -> None:
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValidationError("A GTIN has digits only.", code="gtin_not_digits")
    if len(value) not in GTIN_LENGTHS:
        raise ValidationError("A GTIN has 8, 12, 13 or 14 digits, not %(length)s.", code="gtin_length",
                              params={"length": len(value)})
    expected = gtin_check_digit(value[:-1])
    if expected != int(value[-1]):
        raise ValidationError("GTIN check digit is wrong: expected %(expected)s.", code="gtin_check_digit",
                              params={"expected": expected})


def make_gtin13(body12: str) -> str:
    """Complete a 12-digit body with its check digit (used for demo GTINs in the 20-29 range)."""
    return body12 + str(gtin_check_digit(body12))
