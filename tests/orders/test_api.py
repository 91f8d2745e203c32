"""The shopper's orders: list, detail with leaflet revisions and history, cancel."""

import pytest

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from orders.models import Order, OrderStatus
from tests.builders.api import assert_problem
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ORDERS_URL = "/api/v1/orders/"


@pytest.fixture
def awaiting_order(user, pom_pack):
    cart = cart_with(user, (pom_pack, 2))
    return place_order(
        user=user, cart=cart, details=details(), idempotency_key="k", prescription=uploaded_prescription(user)
    )


def user_full_name(order) -> str:
    return order.user.full_name


def test_order_detail_shows_lines_with_their_leaflet_revision_history_and_shipping(
    shopper_client, awaiting_order, pharmacist, pom_pack
):
    approve_order(
        order=awaiting_order,
        pharmacist=pharmacist,
        record=dispensing_record((pom_pack, 168)),
        note="Checked with the surgery.",
    )
    line = awaiting_order.lines.get()

    response = shopper_client.get(f"{ORDERS_URL}{awaiting_order.number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == awaiting_order.number
    assert body["status"] == "approved"
    assert body["status_display"] == "Approved"
    assert body["total"] == {"amount": "25.00", "currency": "GBP"}
    assert body["prescription_required"] is True
    assert body["prescription_id"] == awaiting_order.prescription_id
    assert body["can_cancel"] is True
    assert body["waiting_reason"] == ""
    # The account holder's date of birth comes from their health record (tests.factories gives one).
    assert body["patient"] == {"name": user_full_name(awaiting_order),
                               "date_of_birth": awaiting_order.patient_record.date_of_birth.isoformat(),
                               "is_account_holder": True}
    assert body["lines"] == [
        {
            "id": line.pk,
            "sku": "PRES-10-84",
            "description": "Presolol 10 mg tablets, 84 tablets",
            "strength": "10 mg",
            "dosage_form": "tablets",
            "quantity": 2,
            "unit_price": {"amount": "12.50", "currency": "GBP"},
            "line_total": {"amount": "25.00", "currency": "GBP"},
            "vat_rate": "0.0000",  # dispensed on a prescription: zero-rated
            "vat": {"amount": "0.00", "currency": "GBP"},
            "legal_category": "prescription",
            "prescription_required": True,
            "leaflet_revision": {
                "id": line.leaflet_revision_id,
                "number": 1,
                "revised_on": "2026-01-01",
                "url": f"http://testserver/api/v1/leaflets/{line.leaflet_revision_id}/",
            },
            "decision": "approved",
            "decision_reason": "",  # the pharmacist's note stays with staff
            "refusal_reason": "",
            "decided_at": body["lines"][0]["decided_at"],
            "consultation_answers": [],
        }
    ]
    assert body["lines"][0]["decided_at"] is not None
    history = [
        (event["from_status"], event["to_status"], event["by"], event["reason"]) for event in body["history"]
    ]
    assert history == [
        (None, "awaiting_review", "you", "Awaiting pharmacist review of the prescription."),
        ("awaiting_review", "approved", "pharmacist", "Approved by our pharmacist."),
    ]
    assert "Checked with the surgery." not in response.content.decode()
    assert pharmacist.email not in response.content.decode()  # a role, never the staff member
    assert body["shipping"] == {
        "full_name": "Ada Shopper",
        "email": "ada@example.org",
        "phone": "07700 900123",
        "address_line1": "1 High Street",
        "address_line2": "",
        "city": "Leeds",
        "postcode": "LS1 1AA",
        "country": "GB",
    }


def test_the_leaflet_url_on_an_order_line_serves_that_revision(shopper_client, awaiting_order):
    url = shopper_client.get(f"{ORDERS_URL}{awaiting_order.number}/").json()["lines"][0]["leaflet_revision"][
        "url"
    ]

    leaflet = shopper_client.get(url)

    assert leaflet.status_code == 200
    assert leaflet.json()["id"] == awaiting_order.lines.get().leaflet_revision_id


def test_the_order_list_is_paginated_newest_first(shopper_client, user, gsl_pack):
    numbers = [
        place_order(
            user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key=f"k{n}"
        ).number
        for n in range(3)
    ]

    first = shopper_client.get(ORDERS_URL, {"page_size": 2}).json()
    second = shopper_client.get(ORDERS_URL, {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [order["number"] for order in first["results"] + second["results"]] == numbers[::-1]
    assert first["next"] == "http://testserver/api/v1/orders/?page=2&page_size=2"
    assert second["next"] is None


def test_the_page_size_is_capped_at_100(shopper_client, user):
    Order.objects.bulk_create(
        Order(
            user=user,
            status=OrderStatus.APPROVED,
            email=user.email,
            full_name="A",
            phone="1",
            address_line1="1",
            city="Leeds",
            postcode="LS1",
            currency="GBP",
            total_amount=0,
            idempotency_key=f"bulk-{n}",
            request_fingerprint="-",
        )
        for n in range(101)
    )

    page = shopper_client.get(ORDERS_URL, {"page_size": 500}).json()

    assert page["count"] == 101
    assert len(page["results"]) == 100


@pytest.mark.parametrize(
    "params, status",
    [
        ({"page_size": 0}, 400),
        ({"page_size": "ten"}, 400),
        ({"page_size": "-1"}, 400),
        ({"page_size": ""}, 400),
        ({"page": 0}, 404),
        ({"page": "two"}, 404),
        ({"page": 99}, 404),
        ({"page": "9" * 5000}, 404),
    ],
)
def test_nonsense_pagination_is_refused(shopper_client, params, status):
    assert_problem(shopper_client.get(ORDERS_URL, params), status)


def test_a_shopper_cancels_an_order_awaiting_review(shopper_client, awaiting_order, pom_pack):
    response = shopper_client.post(
        f"{ORDERS_URL}{awaiting_order.number}/cancel/", {"reason": "Ordered by mistake."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["can_cancel"] is False
    assert response.json()["history"][-1]["reason"] == "Ordered by mistake."
    pom_pack.refresh_from_db()
    assert pom_pack.stock_quantity == 50


def test_cancelling_without_a_body_uses_the_default_reason(shopper_client, awaiting_order):
    response = shopper_client.post(f"{ORDERS_URL}{awaiting_order.number}/cancel/")

    assert response.status_code == 200
    assert response.json()["history"][-1]["reason"] == "Cancelled by you."


def test_an_order_no_longer_cancellable_is_a_409(shopper_client, user, gsl_pack):
    order = place_order(
        user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k"
    )
    dispatch_order(order=order, actor=StaffFactory())

    response = shopper_client.post(f"{ORDERS_URL}{order.number}/cancel/")

    assert_problem(response, 409, code="invalid_order_transition")
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


def test_a_cancel_reason_too_long_is_a_400(shopper_client, awaiting_order):
    response = shopper_client.post(
        f"{ORDERS_URL}{awaiting_order.number}/cancel/", {"reason": "x" * 501}, format="json"
    )

    assert_problem(response, 400, field="reason")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


@pytest.mark.parametrize("number", ["PH-NOSUCH00", "ph-lowercase", "PH%0AX", "%E2%98%83", "X" * 21])
def test_an_unknown_or_malformed_order_number_is_a_404(shopper_client, number):
    assert_problem(shopper_client.get(f"{ORDERS_URL}{number}/"), 404, code="not_found")
    assert_problem(shopper_client.post(f"{ORDERS_URL}{number}/cancel/"), 404, code="not_found")
