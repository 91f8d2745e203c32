"""Payments for orders: authorise at checkout, capture what the pharmacist approves, void a refusal,
refund a cancellation or a shortfall.

Every gateway call has the outbox's shape: a short transaction writes our intent (a Payment row, or
reads what must be done) and commits; the gateway is called with no row locked; a second short
transaction records the answer, re-checking under the lock. `settle_order_payment` brings one order's
money to what its state calls for, so it is safe to run twice and is what the order's transitions,
the webhooks and the reconciliation task all call.

Callers import from here; the modules behind it (authorisation, settlement, disputes, gateway_keys) are
an implementation detail.
"""

from .authorisation import (
    _begin_attempt,
    apply_gateway_intent,
    authorisation_deadline,
    authorise_at_checkout,
    authorise_begun_attempt,
    authorise_order,
    begin_checkout_attempt,
    record_authorisation,
    refresh_payment,
)
from .disputes import flag_dispute, latest_payment, warn_expiring_authorisations
from .gateway_keys import check_intent_currency, gateway_idempotency_key
from .settlement import (
    CAPTURE_STATES,
    RELEASE_STATES,
    capture_payment,
    refund_payment,
    settle_order_payment,
    void_at_gateway,
    void_payment,
)

__all__ = [
    "CAPTURE_STATES",
    "RELEASE_STATES",
    "_begin_attempt",
    "apply_gateway_intent",
    "authorisation_deadline",
    "authorise_at_checkout",
    "authorise_begun_attempt",
    "begin_checkout_attempt",
    "authorise_order",
    "capture_payment",
    "check_intent_currency",
    "flag_dispute",
    "gateway_idempotency_key",
    "latest_payment",
    "record_authorisation",
    "refresh_payment",
    "refund_payment",
    "settle_order_payment",
    "void_at_gateway",
    "void_payment",
    "warn_expiring_authorisations",
]
