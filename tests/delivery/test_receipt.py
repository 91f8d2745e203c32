"""The order-placed e-mail is a receipt: lines with VAT, delivery, VAT total, total, payment state."""

from decimal import Decimal

import pytest
from django.core import mail

from checkout.services import place_order
from delivery.models import DeliveryMethod
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def express(db):
    return DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"))


def placed_email(capture, user, *packs, prescription=None, **kwargs):
    with capture(execute=True):
        place_order(user=user, cart=cart_with(user, *packs), details=details(), idempotency_key="k",
                    prescription=prescription, delivery_method="express", **kwargs)
    [email] = mail.outbox
    return email.body


def test_the_confirmation_lists_each_line_with_its_vat_then_delivery_vat_and_total(
    user, gsl_pack, pom_pack, express, django_capture_on_commit_callbacks, settings
):
    settings.PHARMACY_VAT_NUMBER = "GB 123 4567 89"
    body = placed_email(django_capture_on_commit_callbacks, user, (gsl_pack, 2), (pom_pack, 1),
                        prescription=uploaded_prescription(user))

    assert "Item 1: 2 x £3.49 each: £6.98, VAT 20% £1.16" in body
    assert "Item 2: 1 x £12.50 each: £12.50, VAT 0% £0.00" in body
    # No medicine is named (health data): the order page says what each item is.
    assert gsl_pack.product.name not in body
    assert pom_pack.product.name not in body
    assert "Items:    £19.48" in body
    # 6.98 of 19.48 of the £6.95 delivery is standard-rated: 2.49 × 20/120 = 0.415… → £0.42
    assert "Delivery: £6.95 (Express delivery), VAT £0.42" in body
    assert "Total:    £26.43" in body
    assert "VAT included in the total: £1.58" in body
    assert "on items at 20%: £1.16" in body and "on items at 0%: £0.00" in body
    assert "VAT registration number GB 123 4567 89" in body
    assert "Payment:" not in body  # placed without the payment step: no payment line


def test_the_receipt_says_where_the_money_is_once_the_card_is_authorised(
    user, gsl_pack, pom_pack, express, django_capture_on_commit_callbacks
):
    from payments.gateways.test import SUCCESS_CARD
    from payments.services import authorise_order

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1), (pom_pack, 1)), details=details(),
                            idempotency_key="k", prescription=uploaded_prescription(user), delivery_method="express",
                            awaiting_payment=True)
    assert mail.outbox == []  # the receipt waits for the card
    with django_capture_on_commit_callbacks(execute=True):
        authorise_order(order=order, payment_method=SUCCESS_CARD, attempt_key="k")

    [email] = mail.outbox
    assert "Payment: Authorised — charged when our pharmacist approves" in email.body


def test_the_receipt_carries_no_health_details(user, express, django_capture_on_commit_callbacks):
    from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
    from tests.factories import ProductFactory

    product = ProductFactory(legal_category="pharmacy")
    questionnaire = ConsultationQuestionnaire.objects.create(name="Heartburn")
    questionnaire.products.add(product)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, position=0, answer_type="text",
                                                   text="Describe your symptoms")
    pack = PackFactory(product=product)
    body = placed_email(django_capture_on_commit_callbacks, user, (pack, 1),
                        consultation_answers={pack.sku: {question.pk: "burning after meals"}})

    assert "burning after meals" not in body and "Describe your symptoms" not in body


def test_later_e_mails_show_the_delivery_in_their_totals(
    user, pom_pack, pharmacist, express, django_capture_on_commit_callbacks
):
    from dispensing.approval import approve_order
    from tests.builders.orders import dispensing_record

    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user), delivery_method="express")
    with django_capture_on_commit_callbacks(execute=True):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))

    approved = [email for email in mail.outbox if "approved" in email.subject][0]
    assert "Delivery (Express delivery): £6.95" in approved.body and "Total: £19.45" in approved.body
