"""Payments: the gateway, its keys and the deadlines of card authorisations."""

import hashlib

from .environment import SECRET_KEY, env

# --- Payments (payments app; README "Payments") ------------------------------------------------------
# "test": the built-in test gateway (no keys, the default; refused in production). "stripe": Stripe.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # another Stripe-compatible server (localstripe)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="stripe" if STRIPE_SECRET_KEY else "test")
# Begins every idempotency key we send the gateway, so two installations sharing one gateway account
# (staging and production, two shops) never collide. Default: derived from SECRET_KEY (not revealing it).
PAYMENT_INSTALLATION_ID = env.str(
    "PAYMENT_INSTALLATION_ID",
    default=hashlib.sha256(f"payment-installation:{SECRET_KEY}".encode()).hexdigest()[:16],
)
# Checkout places the order awaiting payment and authorises the card; off, orders go straight on.
PAYMENTS_AT_CHECKOUT = env.bool("PAYMENTS_AT_CHECKOUT", default=True)
# An order with no authorisation after this many minutes is cancelled and its stock released.
PAYMENT_AUTHORISATION_TIMEOUT_MINUTES = env.int("PAYMENT_AUTHORISATION_TIMEOUT_MINUTES", default=15)
# An order waiting for a pharmacist is cancelled (and voided) this long before its authorisation lapses.
PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS = env.int("PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS", default=12)
# An order whose card authorisation ended uncaptured (voided at the gateway, or lapsed) waits this long
# for the shopper to pay again, then is cancelled.
PAYMENT_RETRY_HOURS = env.int("PAYMENT_RETRY_HOURS", default=48)
# The shopper and the pharmacists are warned this long before an authorised order's deadline.
PAYMENT_EXPIRY_WARNING_HOURS = env.int("PAYMENT_EXPIRY_WARNING_HOURS", default=24)
# Payments untouched this long in a transitional state are asked about by the reconciliation task.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=5)
