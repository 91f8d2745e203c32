"""Checkout with the card in the same request (the API): the order is placed and committed first, then the
card is authorised, with no row locked while the gateway is called."""

from orders.models import Order
from payments.services import authorise_at_checkout

from .placement import place_order

__all__ = ["place_order_and_authorise"]


def place_order_and_authorise(*, user, payment_method: str, idempotency_key: str, **placement) -> Order:
    """`place_order` (same arguments), then, once its transaction has committed, the card's authorisation
    when the order awaits payment and a card was given. A replayed checkout returns the first order and
    its first attempt (the checkout's idempotency key is the attempt's)."""
    order = place_order(user=user, idempotency_key=idempotency_key, **placement)
    authorise_at_checkout(order=order, payment_method=payment_method, attempt_key=idempotency_key, actor=user)
    return order
