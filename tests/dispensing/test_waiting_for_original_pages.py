"""Issue 8.2 in the storefront: the shopper's order page says it waits for the paper prescription, and where
to post it."""

import pytest
from django.test import override_settings
from django.urls import reverse

from checkout.services import place_order
from dispensing.approval import approve_order
from dispensing.originals import record_original_received
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def approved_order(user, pom_pack, pharmacist):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    return approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))


@override_settings(PHARMACY_NAME="Test Pharmacy", PHARMACY_ADDRESS="9 Post Road, York, YO1 1AA")
def test_order_page_says_waiting_for_your_paper_prescription_with_the_address(client, user, approved_order):
    client.force_login(user)
    page = client.get(reverse("orders:order-detail", kwargs={"number": approved_order.number})).content.decode()
    assert "Waiting for your paper prescription" in page
    assert "9 Post Road, York, YO1 1AA" in page


def test_order_page_stops_waiting_once_the_original_is_received(client, user, approved_order, pharmacist):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=True)
    client.force_login(user)
    page = client.get(reverse("orders:order-detail", kwargs={"number": approved_order.number})).content.decode()
    assert "Waiting for your paper prescription" not in page
