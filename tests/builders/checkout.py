"""Builders for the checkout page's tests: its URL and a filled form."""

import uuid

from django.urls import reverse

CHECKOUT = reverse("checkout:checkout")


def checkout_data(**overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "Ada@Example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "address_line2": "",
        "city": "Leeds", "postcode": "ls1 1aa",
    }
    data.update(overrides)
    return data
