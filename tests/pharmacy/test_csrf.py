"""CSRF secrets and masks drawn in one read (pharmacy.csrf): uniform over the allowed characters, and the
tokens Django builds from them still pass its middleware."""

import re
from collections import Counter

import pytest
from django.http import HttpRequest
from django.middleware import csrf
from django.test import Client
from django.urls import reverse

from pharmacy.csrf import random_string
from tests.factories import PackFactory, ProductFactory

CHARS = csrf.CSRF_ALLOWED_CHARS  # 62 characters: bytes 248-255 would favour the first eight


def reads(*chunks: bytes):
    """A stand-in for os.urandom that returns `chunks` in turn, cut to the size asked for."""
    pending = list(chunks)

    def random_bytes(size: int) -> bytes:
        return pending.pop(0)[:size]

    return random_bytes


def test_each_byte_below_the_last_whole_alphabet_picks_one_character_and_the_rest_are_discarded():
    every_byte = bytes(range(256)) * 2

    drawn = random_string(248, CHARS, random_bytes=reads(every_byte))

    assert drawn == "".join(CHARS[byte % 62] for byte in range(248))
    assert set(Counter(drawn).values()) == {4}  # every character exactly as often


def test_a_short_read_after_discarding_is_topped_up_by_another():
    drawn = random_string(3, CHARS, random_bytes=reads(bytes([255, 0, 250, 251, 252, 253]), bytes([1, 2, 3, 4])))

    assert drawn == CHARS[0] + CHARS[1] + CHARS[2]


def test_an_alphabet_larger_than_a_byte_is_left_to_django():
    alphabet = "".join(chr(0x100 + n) for n in range(300))

    assert set(random_string(40, alphabet)) <= set(alphabet)


def test_django_draws_csrf_secrets_and_masks_through_it():
    request = HttpRequest()

    token = csrf.get_token(request)

    assert csrf.get_random_string is random_string
    assert len(token) == 64 and set(token) <= set(CHARS)
    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert len({csrf.get_token(HttpRequest()) for _ in range(20)}) == 20


@pytest.mark.django_db
def test_a_product_pages_buy_form_still_passes_the_csrf_check():
    product = ProductFactory(slug="cetirizine")
    pack = PackFactory(product=product)
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("catalog:product-detail", args=["cetirizine"])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"pack": pack.pk, "quantity": 1, "next": "/"}

    assert client.post(reverse("cart:add"), {**form, "csrfmiddlewaretoken": token}).status_code == 302
    assert client.post(reverse("cart:add"), {**form, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
