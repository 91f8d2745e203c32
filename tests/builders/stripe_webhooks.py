"""Stripe webhook events, signed as Stripe signs them, and their delivery to the webhook endpoint."""

import hashlib
import hmac
import json
import time

from payments.models import Payment
from tests.builders.payments import WEBHOOK_SECRET

URL = "/payments/webhooks/stripe/"


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def post(client, event: dict, secret: str = WEBHOOK_SECRET):
    payload, header = signed(event, secret)
    return client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def event_for(reference: str, payment: Payment, kind="payment_intent.amount_capturable_updated",
              event_id="evt_1") -> dict:
    return {"id": event_id, "object": "event", "type": kind, "api_version": "2024-06-20", "created": 1,
            "data": {"object": {"id": reference, "object": "payment_intent",
                                "metadata": {"payment": str(payment.pk), "order": payment.order.number}}}}
