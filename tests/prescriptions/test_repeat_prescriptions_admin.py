"""Repeat prescriptions on the pharmacist's admin review page: the repeat terms in the dispensing record,
Schedule 2/3 refused there, and a repeat's review showing issue n of m with the earlier issues."""

import pytest

from cart.services import get_or_create_user_cart
from checkout.services import place_order
from checkout.services.reorders import add_prescription_to_cart
from orders.models import OrderStatus
from prescriptions.models import Prescription
from tests.builders.dispensing import approve_post, review_url
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.repeats import days_since_last_issue, first_issue
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))


def test_the_pharmacist_records_a_repeatable_prescription_in_the_admin(client, pharmacist, awaiting_order, pom_pack):
    client.force_login(pharmacist)

    response = client.post(review_url(awaiting_order), approve_post(
        pom_pack, **{"record-repeatable": "on", "record-repeat_interval_days": "28"}))

    assert response.status_code == 302
    prescription = Prescription.objects.get(pk=awaiting_order.prescription_id)
    assert (prescription.repeatable, prescription.issues_authorised, prescription.repeat_interval_days) == (
        True, None, 28)
    assert list(prescription.issues.values_list("order_id", "number")) == [(awaiting_order.pk, 1)]


def test_a_schedule_3_drug_cannot_be_made_repeatable_in_the_admin(client, pharmacist, awaiting_order):
    tramadol = ProductFactory(name="Tramadol capsules", slug="tramadol", legal_category="prescription",
                              controlled_drug_schedule=3)
    pack = PackFactory(product=tramadol, sku="TRAM-50-30", pack_size=30)
    client.force_login(pharmacist)

    response = client.post(review_url(awaiting_order), approve_post(
        pack, **{"record-repeatable": "on", "record-repeat_interval_days": "28", "items-0-quantity": "30"}),
        follow=True)

    assert "Schedule 3 controlled drug: a prescription for it cannot be repeatable" in response.content.decode()
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert Prescription.objects.get(pk=awaiting_order.prescription_id).status == "submitted"


def test_a_repeat_is_reviewed_with_its_issue_history_and_approved_without_a_new_record(
    client, user, pharmacist, pom_pack
):
    first = first_issue(user, pharmacist, pom_pack)
    days_since_last_issue(first.prescription, 28)
    cart = get_or_create_user_cart(user=user)
    add_prescription_to_cart(user=user, prescription=first.prescription, cart=cart)
    repeat = place_order(user=user, cart=cart, details=details(), idempotency_key="again",
                         prescription=first.prescription)
    client.force_login(pharmacist)

    page = client.get(review_url(repeat)).content.decode()

    assert "Repeat prescription: issue 2 of 2, at least 28 days apart" in page
    assert first.number in page and "(this order)" in page
    response = client.post(review_url(repeat), {"_approve": "1", "approve-note": "Repeat checked."})
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.status == OrderStatus.APPROVED
