"""Checkout with the card in the same request (the API): the order is placed and committed first, then the
card is authorised, with no row locked while the gateway is called."""

from orders.models import Order
from payments.services import authorise_at_checkout, authorise_begun_attempt, begin_checkout_attempt

from .placement import place_order

__all__ = ["place_order_and_authorise"]


def place_order_and_authorise(*, user, payment_method: str, idempotency_key: str, **placement) -> Order:
    """`place_order` (same arguments), then, once its transaction has committed, the card's authorisation
    when the order awaits payment and a card was given. A replayed checkout returns the first order and
    its first attempt (the checkout's idempotency key is the attempt's).

    The attempt's row is written in the placement's transaction (payments.services.begin_checkout_attempt):
    a new order has no payment to look for, nor another request to lock it against."""
    begun = []

    def begin_attempt(order: Order) -> None:
        payment = begin_checkout_attempt(order=order, payment_method=payment_method, attempt_key=idempotency_key)
        if payment is not None:
            begun.append(payment)

    order = place_order(user=user, idempotency_key=idempotency_key, on_placed=begin_attempt, **placement)
    # A placement rolled back for its key's replay wrote no attempt: the replayed order's own is used.
    if begun and begun[-1].order_id == order.pk:
        authorise_begun_attempt(payment=begun[-1], actor=user)
    else:
        authorise_at_checkout(order=order, payment_method=payment_method, attempt_key=idempotency_key,
                              actor=user)
    return order
