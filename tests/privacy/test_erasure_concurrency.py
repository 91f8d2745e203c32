"""An erasure that starts while the account's checkout is under way, against a real PostgreSQL: it waits for
the checkout (both take the cart's row lock first), then finds the new open order and refuses, so no order
is left open on an erased account."""

import threading
import time
from unittest import mock

import pytest

from cart.models import Cart
from checkout.services import place_order, placement
from orders.models import Order
from privacy.exceptions import ErasureBlockedByOpenOrder
from privacy.services.erasure import erase_account
from tests.builders.concurrency import race
from tests.builders.erasure import shopper
from tests.builders.orders import cart_with, details

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long the checkout holds the cart once the erasure has been let go: long enough for an erasure that
# did not wait for the cart to look for open orders before the order is committed.
HOLD_SECONDS = 0.5


def test_an_erasure_started_during_a_checkout_waits_for_it_and_is_refused_by_its_order(gsl_pack):
    user = shopper()
    cart = cart_with(user, (gsl_pack, 1))
    cart_locked, erasure_started = threading.Event(), threading.Event()
    lock_cart = placement.cart_for_update

    def lock_and_hold(*, cart_id):
        locked = lock_cart(cart_id=cart_id)
        cart_locked.set()
        assert erasure_started.wait(timeout=30)
        time.sleep(HOLD_SECONDS)
        return locked

    def checkout():
        with mock.patch.object(placement, "cart_for_update", lock_and_hold):
            return place_order(user=user, cart=cart, details=details(), idempotency_key="during-erasure")

    def erasure():
        assert cart_locked.wait(timeout=30)
        erasure_started.set()
        return erase_account(user=user)

    placed, erased = race([checkout, erasure])

    assert isinstance(placed, Order), placed
    assert isinstance(erased, ErasureBlockedByOpenOrder), erased
    user.refresh_from_db()
    assert user.is_active
    assert Order.objects.filter(user=user).count() == 1 and Cart.objects.filter(user=user).exists()
