"""Stripe's webhooks, against localstripe: signed with a test secret and posted to our endpoint. Each
event is processed once; a forged signature is refused; the intent is re-read before our state changes,
which also repairs a crash between the gateway's answer and our commit."""

import json

import pytest
from django.urls import reverse

from orders.models import OrderStatus
from payments.models import MovementKind, PaymentStatus, WebhookEvent
from tests.builders.stripe_webhooks import URL, event_for, post

pytestmark = pytest.mark.django_db








def test_a_webhook_delivered_twice_is_processed_once_and_repairs_the_lost_answer(
        client, crashed_authorisation, django_capture_on_commit_callbacks):
    payment, reference = crashed_authorisation
    event = event_for(reference, payment)

    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, event)
        second = post(client, event)

    assert (first.status_code, first.content) == (200, b"Processed.")
    assert (second.status_code, second.content) == (200, b"Already processed.")
    payment.refresh_from_db()
    assert (payment.status, payment.reference) == (PaymentStatus.AUTHORISED, reference)
    assert payment.movements.filter(kind=MovementKind.AUTHORISED).count() == 1
    assert payment.order.status == OrderStatus.AWAITING_REVIEW
    assert WebhookEvent.objects.count() == 1


def test_a_forged_signature_is_refused_and_changes_nothing(client, crashed_authorisation):
    payment, reference = crashed_authorisation

    response = post(client, event_for(reference, payment), secret="whsec_someone_else")
    unsigned = client.post(URL, data=json.dumps(event_for(reference, payment)), content_type="application/json")

    assert (response.status_code, unsigned.status_code) == (400, 400)
    payment.refresh_from_db()
    assert (payment.status, payment.reference) == (PaymentStatus.PENDING, "")
    assert not WebhookEvent.objects.exists()


def test_a_dispute_flags_the_order_for_staff(client, crashed_authorisation, django_capture_on_commit_callbacks):
    payment, reference = crashed_authorisation
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event_for(reference, payment))
    dispute = {"id": "evt_2", "object": "event", "type": "charge.dispute.created", "created": 1,
               "data": {"object": {"id": "dp_1", "object": "dispute", "payment_intent": reference,
                                   "reason": "fraudulent"}}}

    assert post(client, dispute).status_code == 200

    payment.refresh_from_db()
    assert payment.disputed_at is not None
    assert "disputed" in payment.order.events.last().reason


def test_the_endpoint_is_where_the_readme_says(stripe_on):
    assert reverse("payments:stripe-webhook") == URL
