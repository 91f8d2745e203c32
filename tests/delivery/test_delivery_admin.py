"""Delivery methods in the admin: prices edited in the list, the public list follows at once; orders
show their delivery and VAT."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.services import place_order
from delivery.models import DeliveryMethod
from tests.builders.orders import cart_with, details
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_prices_and_activity_are_edited_in_the_list_and_the_api_follows(admin_client, api_client):
    method = DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"),
                                           free_over_amount=Decimal("30.00"))
    assert api_client.get("/api/v1/delivery-methods/").json()[0]["price"]["amount"] == "3.95"

    response = admin_client.post(reverse("admin:delivery_deliverymethod_changelist"), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(method.pk), "form-0-price_amount": "4.49", "form-0-free_over_amount": "35.00",
        "form-0-is_active": "on", "form-0-position": "0", "_save": "Save",
    })

    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.price_amount, method.free_over_amount) == (Decimal("4.49"), Decimal("35.00"))
    assert api_client.get("/api/v1/delivery-methods/").json()[0]["price"]["amount"] == "4.49"


def test_a_method_an_order_used_cannot_be_deleted_only_retired(admin_client, user, gsl_pack):
    method = DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"))
    place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")

    response = admin_client.get(reverse("admin:delivery_deliverymethod_delete", args=[method.pk]))

    assert response.status_code == 403
    assert DeliveryMethod.objects.filter(pk=method.pk).exists()


def test_the_order_page_shows_delivery_and_vat(admin_client, user, gsl_pack):
    DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"))
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")

    html = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "Express delivery" in html and "6.95" in html and "1.16" in html  # delivery and its VAT
    assert "0.2000" in html and "0.58" in html  # the line's rate and VAT
    assert "10.44" in html
