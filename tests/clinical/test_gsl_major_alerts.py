"""Who sees a major alert: a general-sale-only order with a major or contraindicated alert waits for the
pharmacist (CLINICAL_REVIEW_GSL_MAJOR_ALERTS), who releases it past the alert only with an override; and
the API cart shows the same advice as the storefront cart."""

import pytest

from clinical.checks import ClinicalOverride
from dispensing.approval import approve_order
from notifications.models import OutboxMessage
from orders.emails import build_order_email
from orders.models import Order
from payments.gateways import _gateway
from payments.receipts import payment_status_text
from tests.builders.api import assert_problem, checkout
from tests.builders.orders import cart_with
from tests.builders.payments import CARDS, pay_for_cart

pytestmark = pytest.mark.django_db
QUEUE_URL = "/api/v1/pharmacist/orders/"


def two_paracetamols(user, packs):
    return cart_with(user, (packs["PARA-500-16"], 1), (packs["PARA-500-32"], 1))


def test_two_paracetamol_products_wait_for_the_pharmacist(shopper_client, user, packs, pharmacist_client):
    two_paracetamols(user, packs)

    body = checkout(shopper_client).json()

    assert body["status"] == "awaiting_review"
    order = Order.objects.get(number=body["number"])
    assert order.requires_pharmacist and not order.requires_prescription and order.review_deadline
    assert order.waiting_reason == "Waiting because a pharmacist must check the clinical advice about your medicines."
    email = build_order_email(message=OutboxMessage.objects.get(order=order, kind="order_placed"))
    assert "a pharmacist must look at" in email.body and "pharmacy medicine" not in email.body
    queue = pharmacist_client.get(QUEUE_URL).json()["results"]
    assert [entry["number"] for entry in queue] == [order.number]
    [alert] = pharmacist_client.get(f"{QUEUE_URL}{order.number}/").json()["clinical_alerts"]
    assert alert["kind"] == "duplication" and alert["needs_override"] is True
    assert alert["line_ids"] == sorted(order.lines.values_list("pk", flat=True))


def test_the_pharmacist_releases_it_past_the_alert_only_with_an_override(shopper_client, user, packs,
                                                                         pharmacist, pharmacist_client):
    two_paracetamols(user, packs)
    number = checkout(shopper_client).json()["number"]
    url = f"{QUEUE_URL}{number}/approve/"

    assert_problem(pharmacist_client.post(url, {}, format="json"), 422, code="clinical_override_required")
    response = pharmacist_client.post(url, {"override_reason": "Told to take one of them only.",
                                            "prescriber_contacted": False}, format="json")

    assert response.status_code == 200, response.content
    order = Order.objects.get(number=number)
    assert order.status == "approved" and order.released_by == pharmacist  # the database's release constraint
    assert set(order.lines.values_list("decision", flat=True)) == {""}  # general sale: no line decision


def test_without_a_major_alert_a_general_sale_order_is_approved_at_once(shopper_client, user, packs):
    cart_with(user, (packs["PARA-500-16"], 1), (packs["IBU-200-16"], 1))

    body = checkout(shopper_client).json()

    assert body["status"] == "approved"
    assert Order.objects.get(number=body["number"]).released_by is None


def test_the_setting_turned_off_approves_it_at_once_with_the_advice(shopper_client, user, packs, settings):
    settings.CLINICAL_REVIEW_GSL_MAJOR_ALERTS = False
    two_paracetamols(user, packs)

    body = checkout(shopper_client).json()

    assert body["status"] == "approved"
    [advice] = body["clinical_advice"]
    assert advice["severity"] == "major"


def test_the_api_cart_carries_the_storefront_carts_advice(shopper_client, user, packs, health_record):
    health_record(conditions={"stomach_ulcer"})
    two_paracetamols(user, packs)
    cart_with(user, (packs["IBU-200-16"], 1))

    advice = shopper_client.get("/api/v1/cart/").json()["clinical_advice"]

    refused, duplication = advice
    assert refused["refused"] is True and refused["kind"] == "condition" and refused["skus"] == ["IBU-200-16"]
    assert refused["severity"] == "contraindicated"
    assert duplication == {"kind": "duplication", "severity": "major", "refused": False,
                           "skus": ["PARA-500-16", "PARA-500-32"], "advice": duplication["advice"]}
    assert "paracetamol" in duplication["advice"]


def test_paid_by_card_it_waits_for_the_pharmacist_and_is_charged_on_release(
        user, packs, pharmacist, settings, django_capture_on_commit_callbacks):
    settings.PAYMENTS_AT_CHECKOUT, settings.PAYMENT_GATEWAY = True, "test"
    _gateway.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = pay_for_cart(user, two_paracetamols(user, packs), payment_method=CARDS["success"])

    assert (order.status, payment.status) == ("awaiting_review", "authorised")  # not captured at once
    assert payment_status_text(order) == "Authorised — charged when our pharmacist approves"
    with django_capture_on_commit_callbacks(execute=True):
        approve_order(order=order, pharmacist=pharmacist,
                      override=ClinicalOverride(reason="Told to take one of them only.", prescriber_contacted=False))

    payment.refresh_from_db()
    assert payment.status == "captured"
