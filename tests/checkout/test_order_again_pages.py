"""'Order again from this prescription' on the storefront: the button on the prescriptions page fills the
cart and opens the checkout with the prescription chosen; a repeat too early is refused with the date."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cart.models import CartLine
from orders.models import Order, OrderStatus
from prescriptions.models import Prescription
from tests.builders.repeats import days_since_last_issue, first_issue

pytestmark = pytest.mark.django_db

PRESCRIPTIONS = reverse("prescriptions:prescription-list")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_order_again_fills_the_cart_and_checks_out_with_the_prescription_without_an_upload(
    signed_in, user, pharmacist, pom_pack
):
    prescription = first_issue(user, pharmacist, pom_pack).prescription
    days_since_last_issue(prescription, 28)
    reorder_url = reverse("checkout:prescription-reorder", kwargs={"pk": prescription.pk})
    page = signed_in.get(PRESCRIPTIONS)
    assert "Order again from this prescription" in page.content.decode()
    assert f'action="{reorder_url}"' in page.content.decode()

    response = signed_in.post(reorder_url, {"next": PRESCRIPTIONS})

    checkout_url = f"{reverse('checkout:checkout')}?prescription={prescription.pk}"
    assert response.status_code == 302 and response["Location"] == checkout_url
    assert list(CartLine.objects.filter(cart__user=user).values_list("pack_id", "quantity")) == [(pom_pack.pk, 1)]
    checkout = signed_in.get(checkout_url)
    assert checkout.context["form"]["prescription"].value() == prescription.pk
    signed_in.post(reverse("checkout:checkout"), {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA",
        "prescription": str(prescription.pk),
    })
    repeat = Order.objects.exclude(pk=prescription.orders.earliest("created_at").pk).get()
    assert (repeat.status, repeat.prescription_id, repeat.prescription_issue.number) == (
        OrderStatus.AWAITING_REVIEW, prescription.pk, 2)
    assert Prescription.objects.filter(owner=user).count() == 1


def test_order_again_too_early_shows_the_date_and_leaves_the_cart_alone(signed_in, user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack).prescription
    days_since_last_issue(prescription, 1)
    expected = timezone.localdate() + datetime.timedelta(days=27)

    response = signed_in.post(reverse("checkout:prescription-reorder", kwargs={"pk": prescription.pk}),
                              {"next": PRESCRIPTIONS}, follow=True)

    assert response.redirect_chain[-1][0] == PRESCRIPTIONS
    assert f"can next be dispensed on {expected:%d %B %Y}" in response.content.decode()
    assert not CartLine.objects.filter(cart__user=user).exists()
