"""The payment gateway port (base.py) and one adapter per provider, chosen by settings.PAYMENT_GATEWAY."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import PaymentGateway


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    return _gateway(name, settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@cache
def _gateway(name: str, stripe_key: str, stripe_api_base: str) -> PaymentGateway:
    # Keyed by the settings it reads, so a test that points Stripe at its own server gets a fresh client.
    if name == "test":
        from .test import TestGateway

        return TestGateway()
    if name == "stripe":
        from .stripe import StripeGateway

        return StripeGateway(api_key=stripe_key, api_base=stripe_api_base)
    raise ImproperlyConfigured(f"PAYMENT_GATEWAY must be 'test' or 'stripe', not {name!r}.")
