"""Product identifiers: GTIN (EAN-8/12/13, GTIN-14) with its GS1 mod-10 check digit, and the German PZN
(8 digits, mod-11 check digit)."""

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


PZN_LENGTH = 8


def pzn_check_digit(body: str) -> int | None:
    """PZN mod-11: the first seven digits weighted 1 to 7; a remainder of 10 means the number is never issued
    (None)."""
    remainder = sum(int(digit) * weight for weight, digit in enumerate(body, start=1)) % 11
    return None if remainder == 10 else remainder


def is_valid_pzn(value: str) -> bool:
    return (
        isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == PZN_LENGTH
        and pzn_check_digit(value[:-1]) == int(value[-1])
    )


def validate_pzn(value: str) -> None:
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == PZN_LENGTH):
        raise ValidationError("A PZN has exactly 8 digits.", code="pzn_format")
    expected = pzn_check_digit(value[:-1])
    if expected is None:
        raise ValidationError("This PZN cannot exist: its first seven digits give no check digit.",
                              code="pzn_never_issued")
    if expected != int(value[-1]):
        raise ValidationError("PZN check digit is wrong: expected %(expected)s.", code="pzn_check_digit",
                              params={"expected": expected})


def make_pzn(body7: str) -> str:
    """Complete a 7-digit body with its check digit; ValueError for a body that is never issued."""
    digit = pzn_check_digit(body7)
    if digit is None:
        raise ValueError(f"PZN body {body7} is never issued (remainder 10).")
    return body7 + str(digit)
