"""CSRF secrets and masks drawn from one read of the operating system's random source, not one per character.

Django draws each character of a CSRF secret, and of the mask every token is sent under, with
secrets.choice: 64 reads of os.urandom for a visitor without a CSRF cookie, about 60 us of CPU on each
product and cart page the bench's cookieless clients ask for (a tenth of a cached product page).
random_string() draws the same thing, each character uniform over the allowed ones and from os.urandom,
with one read: a byte at or above the largest multiple of the alphabet's size is discarded (rejection
sampling, so no character is favoured) and the others are taken modulo that size.

PharmacyConfig.ready() gives it to django.middleware.csrf, whose secrets and masks (get_token,
rotate_token) are the only strings drawn through it; every other caller of Django's get_random_string
(session keys, passwords' salts) keeps Django's own.
"""

import os
from collections.abc import Callable

from django.middleware import csrf
from django.utils.crypto import RANDOM_STRING_CHARS
from django.utils.crypto import get_random_string as django_random_string


def random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS, *,
                  random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """A string of `length` characters, each drawn uniformly from `allowed_chars` (as Django's
    get_random_string draws them) from the bytes `random_bytes` returns."""
    size = len(allowed_chars)
    if size > 256:
        return django_random_string(length, allowed_chars)
    limit = 256 - 256 % size  # 248 for CSRF's 62 characters: 3% of the bytes are discarded
    chars: list[str] = []
    while len(chars) < length:
        # Twice as many bytes as characters: a second read is needed about once in 10^30 for 62 characters.
        chars += [allowed_chars[byte % size] for byte in random_bytes(2 * (length - len(chars))) if byte < limit]
    return "".join(chars[:length])


def draw_csrf_strings_in_one_read() -> None:
    """Let django.middleware.csrf draw its secrets and masks through random_string (at start-up)."""
    csrf.get_random_string = random_string
