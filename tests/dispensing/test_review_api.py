"""The pharmacist's review over the API: the Pharmacists group only, the queue, approve and reject."""

import datetime

import pytest
from django.utils import timezone

from checkout.services import place_order
from orders.models import Order, OrderStatus
from prescriptions.models import Prescription, PrescriptionItem, PrescriptionStatus
from tests.builders.api import assert_problem
from tests.builders.dispensing import QUEUE_URL, record
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db



@pytest.fixture
def awaiting_order(user, pom_pack):
    cart = cart_with(user, (pom_pack, 2))
    return place_order(
        user=user, cart=cart, details=details(), idempotency_key="k", prescription=uploaded_prescription(user)
    )




def review_urls(number: str) -> list[tuple[str, str]]:
    return [
        ("get", QUEUE_URL),
        ("get", f"{QUEUE_URL}{number}/"),
        ("post", f"{QUEUE_URL}{number}/approve/"),
        ("post", f"{QUEUE_URL}{number}/reject/"),
    ]


@pytest.mark.parametrize("who", ["shopper_client", "staff_client", "superuser_client"])
def test_everyone_outside_the_pharmacists_group_gets_403_on_every_review_endpoint(
    request, who, awaiting_order, pom_pack
):
    client = request.getfixturevalue(who)
    bodies = {"approve": record(pom_pack.sku), "reject": {"reason": "No."}}

    for method, url in review_urls(awaiting_order.number):
        body = next((value for key, value in bodies.items() if url.endswith(f"/{key}/")), None)
        response = getattr(client, method)(url, body, format="json")
        assert_problem(response, 403, code="permission_denied")

    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_anonymous_clients_get_401_on_review_endpoints(api_client, awaiting_order):
    for method, url in review_urls(awaiting_order.number):
        assert_problem(getattr(api_client, method)(url, {}, format="json"), 401, code="not_authenticated")


def test_the_queue_lists_orders_awaiting_review_oldest_first_with_the_prescription(
    pharmacist_client, user, other_user, pom_pack, gsl_pack
):
    first = place_order(
        user=user,
        cart=cart_with(user, (pom_pack, 1)),
        details=details(),
        idempotency_key="a",
        prescription=uploaded_prescription(user),
    )
    second = place_order(
        user=other_user,
        cart=cart_with(other_user, (pom_pack, 1)),
        details=details(),
        idempotency_key="b",
        prescription=uploaded_prescription(other_user),
    )
    place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="c")

    body = pharmacist_client.get(QUEUE_URL).json()

    assert body["count"] == 2
    assert [order["number"] for order in body["results"]] == [first.number, second.number]
    listed = body["results"][0]
    assert listed["customer"] == {"id": user.pk, "email": user.email, "full_name": user.full_name}
    assert listed["prescription"]["id"] == first.prescription_id
    assert listed["prescription"]["status"] == "submitted"
    assert listed["prescription"]["file_url"] == (
        f"http://testserver/api/v1/prescriptions/{first.prescription_id}/file/"
    )
    assert listed["history"][0]["by"] == "shopper"
    assert pharmacist_client.get(listed["prescription"]["file_url"]).status_code == 200


def test_a_pharmacist_approves_an_order_with_the_dispensing_record(
    pharmacist_client, pharmacist, awaiting_order, pom_pack
):
    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/approve/", record(pom_pack.sku), format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["prescription"]["status"] == "approved"
    assert response.json()["history"][-1]["reason"] == "Checked with the surgery."
    awaiting_order.refresh_from_db()
    assert awaiting_order.prescription_approved_by == pharmacist
    prescription = awaiting_order.prescription
    assert (prescription.status, prescription.prescriber_registration) == (
        PrescriptionStatus.APPROVED,
        "7123456",
    )
    assert list(PrescriptionItem.objects.values_list("pack__sku", "quantity", "directions")) == [
        ("PRES-10-84", 168, "One three times a day"),
    ]


def test_an_order_whose_prescription_is_already_approved_is_approved_without_a_record(
    pharmacist_client, user, pom_pack
):
    first = place_order(
        user=user,
        cart=cart_with(user, (pom_pack, 1)),
        details=details(),
        idempotency_key="a",
        prescription=uploaded_prescription(user),
    )
    pharmacist_client.post(
        f"{QUEUE_URL}{first.number}/approve/", record(pom_pack.sku, units=168), format="json"
    )
    second = place_order(
        user=user,
        cart=cart_with(user, (pom_pack, 1)),
        details=details(),
        idempotency_key="b",
        prescription=first.prescription,
    )

    response = pharmacist_client.post(f"{QUEUE_URL}{second.number}/approve/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_an_unchecked_prescription_cannot_be_approved_without_a_record(pharmacist_client, awaiting_order):
    response = pharmacist_client.post(f"{QUEUE_URL}{awaiting_order.number}/approve/", {}, format="json")

    assert_problem(response, 409, code="invalid_order_transition", field="prescription")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_valid_until_left_out_is_six_months_from_the_date_of_issue(pharmacist_client, awaiting_order, pom_pack):
    body = record(pom_pack.sku)
    del body["valid_until"]

    response = pharmacist_client.post(f"{QUEUE_URL}{awaiting_order.number}/approve/", body, format="json")

    assert response.status_code == 200, response.json()
    prescription = Prescription.objects.get(pk=awaiting_order.prescription_id)
    assert prescription.valid_until == prescription.issued_on + datetime.timedelta(days=183)


def test_half_a_dispensing_record_is_a_400_naming_what_is_missing(pharmacist_client, awaiting_order):
    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/approve/", {"prescriber_name": "Dr Who"}, format="json"
    )

    body = assert_problem(response, 400)
    assert {error["field"] for error in body["errors"]} == {
        "prescriber_registration",
        "issued_on",
        "items",
    }
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"items": [{"sku": "NO-SUCH", "quantity": 1}]}, "items[0].sku"),
        ({"items": []}, "items"),
        ({"items": [{"sku": "PRES-10-84", "quantity": 0}]}, "items[0].quantity"),
        ({"issued_on": "yesterday"}, "issued_on"),
        ({"valid_until": 20260101}, "valid_until"),
        ({"prescriber_registration": "x" * 51}, "prescriber_registration"),
    ],
)
def test_a_malformed_dispensing_record_is_a_400_on_the_field(
    pharmacist_client, awaiting_order, overrides, field
):
    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/approve/", record("PRES-10-84", **overrides), format="json"
    )

    assert_problem(response, 400, field=field)
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_a_prescription_authorising_less_than_the_order_is_a_422(pharmacist_client, awaiting_order, pom_pack):
    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/approve/", record(pom_pack.sku, units=84), format="json"
    )

    assert_problem(response, 422, code="prescription_not_covering")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert awaiting_order.prescription.status == PrescriptionStatus.SUBMITTED


def test_an_expired_prescription_is_a_422(pharmacist_client, awaiting_order, pom_pack):
    old = timezone.localdate() - datetime.timedelta(days=200)
    body = record(
        pom_pack.sku, issued_on=old.isoformat(), valid_until=(old + datetime.timedelta(days=30)).isoformat()
    )

    response = pharmacist_client.post(f"{QUEUE_URL}{awaiting_order.number}/approve/", body, format="json")

    assert_problem(response, 422, code="prescription_expired", field="valid_until")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_a_pharmacist_rejects_an_order_with_a_listed_reason_the_shopper_sees_and_a_note_they_do_not(
    pharmacist_client, shopper_client, awaiting_order, pom_pack
):
    note = "Photo too dark: cannot read the strength."

    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/reject/", {"reason": "prescription_unreadable", "note": note},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["history"][-1]["reason"] == note  # the pharmacist's view keeps the note
    mine = shopper_client.get(f"/api/v1/orders/{awaiting_order.number}/").json()
    seen = mine["history"][-1]
    assert (seen["to_status"], seen["by"]) == ("rejected", "pharmacist")
    assert seen["reason"] == "Our pharmacist could not supply this order; the reason is shown against each item."
    assert [(line["refusal_reason"], line["decision_reason"]) for line in mine["lines"]] == [
        ("prescription_unreadable", "We could not read your prescription; please send a clearer copy.")]
    assert note not in str(mine)
    pom_pack.refresh_from_db()
    assert pom_pack.stock_quantity == 50


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "   "}, "reason"), ({"reason": 7}, "reason"),
     ({"reason": "The prescription is not legible."}, "reason"),
     ({"reason": "contact_us", "note": "x" * 2001}, "note")],
)
def test_a_rejection_needs_a_reason_from_the_list(pharmacist_client, awaiting_order, body, field):
    response = pharmacist_client.post(f"{QUEUE_URL}{awaiting_order.number}/reject/", body, format="json")

    assert_problem(response, 400, field=field)
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_an_order_no_longer_awaiting_review_is_a_409(pharmacist_client, awaiting_order, pom_pack):
    pharmacist_client.post(f"{QUEUE_URL}{awaiting_order.number}/reject/", {"reason": "contact_us"}, format="json")

    response = pharmacist_client.post(
        f"{QUEUE_URL}{awaiting_order.number}/approve/", record(pom_pack.sku), format="json"
    )

    assert_problem(response, 409, code="invalid_order_transition")
    assert Order.objects.get().status == OrderStatus.REJECTED


def test_an_unknown_order_number_is_a_404_for_pharmacists(pharmacist_client):
    for method, url in review_urls("PH-NOSUCH00")[1:]:
        assert_problem(getattr(pharmacist_client, method)(url, {"reason": "contact_us"}, format="json"), 404)


def test_a_pharmacist_sees_any_order_in_detail(pharmacist_client, user, gsl_pack):
    order = place_order(
        user=user, cart=cart_with(user, (PackFactory(), 1)), details=details(), idempotency_key="a"
    )

    response = pharmacist_client.get(f"{QUEUE_URL}{order.number}/")

    assert response.status_code == 200
    assert response.json()["prescription"] is None
    assert response.json()["customer"]["email"] == user.email
