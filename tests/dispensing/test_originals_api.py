"""Issue 8.2/8.3/8.5 over the API: 'original received', the shopper's 'waiting for your paper
prescription', and the refusals as RFC 9457 problems that change nothing."""

import pytest
from django.test import override_settings

from checkout.services import place_order
from dispensing.approval import approve_order
from dispensing.services import sign_out_as_responsible_pharmacist
from orders.models import OrderStatus
from prescriptions.models import PrescriptionSource
from tests.builders.api import assert_problem
from tests.builders.dispensing import record
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PharmacistFactory
from tests.otp import verified_token

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))


@pytest.fixture
def approved_order(awaiting_order, pharmacist, pom_pack):
    return approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))


def original_url(order) -> str:
    return f"/api/v1/pharmacist/prescriptions/{order.prescription_id}/original-received/"


@override_settings(PHARMACY_NAME="Test Pharmacy", PHARMACY_ADDRESS="9 Post Road, York, YO1 1AA")
def test_shopper_sees_waiting_for_paper_prescription_with_the_postal_address(shopper_client, approved_order):
    body = shopper_client.get(f"/api/v1/orders/{approved_order.number}/").json()
    assert body["waiting_for_original"] is True
    assert body["original_prescription_postal_address"] == "Test Pharmacy, 9 Post Road, York, YO1 1AA"


def test_pharmacist_records_the_original_received_over_the_api(pharmacist_client, shopper_client, approved_order,
                                                               pharmacist):
    response = pharmacist_client.post(original_url(approved_order), {"matches": True, "note": "Paper original."},
                                      format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["source"], body["original_matches"], body["original_received_by"]) == (
        PrescriptionSource.PAPER, True, pharmacist.pk)
    order_body = shopper_client.get(f"/api/v1/orders/{approved_order.number}/").json()
    assert order_body["waiting_for_original"] is False
    assert order_body["original_prescription_postal_address"] is None


def test_a_shopper_cannot_record_an_original(shopper_client, approved_order):
    response = shopper_client.post(original_url(approved_order), {"matches": True}, format="json")
    assert_problem(response, 403)
    approved_order.prescription.refresh_from_db()
    assert approved_order.prescription.original_received_at is None


def test_an_unregistered_pharmacist_cannot_record_an_original(api_client, approved_order):
    unregistered = PharmacistFactory(profile=False)
    api_client.force_authenticate(unregistered, token=verified_token(unregistered)[0])
    response = api_client.post(original_url(approved_order), {"matches": True}, format="json")
    assert_problem(response, 403, "pharmacist_not_registered")
    approved_order.prescription.refresh_from_db()
    assert approved_order.prescription.original_received_at is None


def test_approval_without_a_responsible_pharmacist_is_a_409_problem(pharmacist_client, pharmacist, awaiting_order,
                                                                    pom_pack):
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    response = pharmacist_client.post(f"/api/v1/pharmacist/orders/{awaiting_order.number}/approve/",
                                      record(pom_pack.sku), format="json")
    assert_problem(response, 409, "no_responsible_pharmacist")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_own_order_approval_is_a_403_problem(api_client, pom_pack, pharmacist):
    order = place_order(user=pharmacist, cart=cart_with(pharmacist, (pom_pack, 1)), details=details(),
                        idempotency_key="own", prescription=uploaded_prescription(pharmacist))
    api_client.force_authenticate(pharmacist, token=verified_token(pharmacist)[0])
    response = api_client.post(f"/api/v1/pharmacist/orders/{order.number}/approve/", record(pom_pack.sku, 84),
                               format="json")
    assert_problem(response, 403, "own_order_approval")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW


def test_review_api_shows_the_approvers_registration_and_the_original(pharmacist_client, approved_order, pharmacist):
    body = pharmacist_client.get(f"/api/v1/pharmacist/orders/{approved_order.number}/").json()
    assert body["approved_by_registration"] == pharmacist.pharmacist_profile.registration_number
    assert (body["prescription"]["source"], body["prescription"]["original_received_at"]) == ("upload", None)
    assert body["waiting_for_original"] is True
