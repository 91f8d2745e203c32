"""Builders for the safeguards tests: an adult's order, and an order moved into the past."""

import datetime

from django.utils import timezone

from checkout.services import place_order
from safeguards.models import OrderContact
from tests.builders.orders import cart_with, details
from tests.builders.patients import ADULT


def place(user, *lines, key="k", **detail_overrides):
    return place_order(user=user, cart=cart_with(user, *lines), details=details(**detail_overrides),
                       idempotency_key=key, patient=ADULT)


def backdate(order, *, days: int):
    """Move an order (and its contact keys) `days` into the past."""
    moment = timezone.now() - datetime.timedelta(days=days)
    type(order).objects.filter(pk=order.pk).update(created_at=moment)
    OrderContact.objects.filter(order_id=order.pk).update(created_at=moment)
    order.refresh_from_db()
    return moment
