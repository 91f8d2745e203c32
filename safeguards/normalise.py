"""Addresses and phone numbers as the warning signs compare them: two ways of writing one address (or
one number) give the same key. Small on purpose: postcode, first line, and a few street abbreviations."""

import re

# Both spellings fold to the long form, so "12 High St" and "12 high street" meet. Applied to every word,
# consistently on both sides: "St John's Rd" becomes "street johns road" whichever way it was written.
STREET_ABBREVIATIONS = {
    "rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive",
    "ct": "court", "pl": "place", "sq": "square", "cres": "crescent", "gdns": "gardens", "tce": "terrace",
    "terr": "terrace", "cl": "close",
}


def normalise_postcode(value: str) -> str:
    """'sw1a1aa' and ' SW1A  1AA' -> 'SW1A 1AA': upper case, one space before the three-character inward code."""
    compact = "".join(value.split()).upper()
    if len(compact) <= 3:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_first_line(value: str) -> str:
    """'12, High St.' -> '12 high street': lower case, apostrophes dropped, other punctuation and repeated
    spaces collapsed to one space, common abbreviations folded."""
    text = re.sub(r"['’]", "", value.lower())
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(STREET_ABBREVIATIONS.get(word, word) for word in words)


def address_key(*, postcode: str, first_line: str) -> str:
    return f"{normalise_postcode(postcode)}|{normalise_first_line(first_line)}"


def normalise_phone(value: str) -> str:
    """'+44 (0)7700 900123', '0044 7700 900123' and '07700-900123' -> '07700900123' (UK numbers in their
    national form; other numbers keep their digits)."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("440"):
        return digits[2:]
    if digits.startswith("44") and len(digits) == 12:
        return "0" + digits[2:]
    return digits
