"""Small races: a new shopper's first requests, and the order idempotency constraint."""

import pytest

from cart.models import Cart
from cart.services import get_or_create_user_cart
from catalog.models import Pack
from checkout.services import place_order, placement
from orders.exceptions import IdempotencyKeyReused
from orders.models import Order, OrderStatus
from orders.state_machine import CANCELLABLE_STATES
from tests.builders.concurrency import race
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory


@pytest.fixture
def lookup_misses_once(monkeypatch):
    """The replay lookup misses once, as when a concurrent request's order commits just after it:
    the insert then meets the unique constraint on (user, idempotency_key). The lookup made with the
    cart's lines misses; the replay's, after the constraint, finds the order. Returns the replay's lookups."""
    real = placement._order_with_key
    calls = []

    def miss(**kwargs):
        return None

    def find(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(placement, "_order_placed_with_key", miss)
    monkeypatch.setattr(placement, "_order_with_key", find)
    return calls


@pytest.mark.django_db
def test_an_integrity_error_on_the_idempotency_key_is_answered_as_a_replay(lookup_misses_once):
    pack = PackFactory(stock_quantity=10)
    shopper = UserFactory()
    first = place_order(user=shopper, cart=cart_with(shopper, (pack, 2)), details=details(), idempotency_key="k1")
    cart = cart_with(shopper, (pack, 3))

    again = place_order(user=shopper, cart=cart, details=details(), idempotency_key="k1")

    assert again == first
    assert len(lookup_misses_once) == 1  # the insert met the constraint, and the replay looked the order up
    assert Order.objects.count() == 1
    assert Pack.objects.get(pk=pack.pk).stock_quantity == 8  # the second attempt's reservation rolled back
    assert cart.lines.get().quantity == 3  # and its cart was not emptied


@pytest.mark.django_db
def test_an_integrity_error_on_a_key_used_for_other_details_is_refused_as_reused(lookup_misses_once):
    pack = PackFactory(stock_quantity=10)
    shopper = UserFactory()
    place_order(user=shopper, cart=cart_with(shopper, (pack, 2)), details=details(), idempotency_key="k1")
    cart = cart_with(shopper, (pack, 3))

    with pytest.raises(IdempotencyKeyReused):
        place_order(user=shopper, cart=cart, details=details(city="York"), idempotency_key="k1")

    assert Order.objects.count() == 1
    assert Pack.objects.get(pk=pack.pk).stock_quantity == 8
    assert cart.lines.get().quantity == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_requests_of_a_new_shopper_share_one_new_cart():
    shopper = UserFactory()

    results = race([lambda: get_or_create_user_cart(user=shopper)] * 2)

    assert all(isinstance(result, Cart) for result in results), results
    assert results[0].pk == results[1].pk
    assert Cart.objects.filter(user=shopper).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_same_key_checkouts_at_once_get_the_same_order_not_an_error():
    pack = PackFactory(stock_quantity=10)
    shopper = UserFactory()
    cart = cart_with(shopper, (pack, 2))

    results = race([lambda: place_order(user=shopper, cart=cart, details=details(), idempotency_key="same")] * 2)

    assert all(isinstance(result, Order) for result in results), results
    assert results[0].pk == results[1].pk
    assert Pack.objects.get(pk=pack.pk).stock_quantity == 8


def test_an_order_is_cancellable_only_before_dispatch_as_the_transition_table_says():
    expected = {OrderStatus.AWAITING_PAYMENT, OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED}
    assert {status for status in OrderStatus if Order(status=status).is_cancellable_by_shopper} == expected
    assert CANCELLABLE_STATES == expected
