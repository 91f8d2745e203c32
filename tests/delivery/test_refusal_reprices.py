"""A pharmacist's refusal of a line: the order then costs what is still supplied plus its delivery."""

import datetime
from decimal import Decimal

import pytest

from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
from checkout.services import place_order
from delivery.models import DeliveryMethod
from dispensing.decisions import refuse_order_line
from patients.details import PatientDetails
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_refused_line_leaves_the_delivery_charged_as_placed_and_its_vat_reapportioned(user, pharmacist):
    DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"),
                                  free_over_amount=Decimal("30.00"))
    p_product = ProductFactory(legal_category="pharmacy")
    questionnaire = ConsultationQuestionnaire.objects.create(name="Any")
    questionnaire.products.add(p_product)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, position=0, answer_type="text",
                                                   text="Anything else?")
    p_pack = PackFactory(product=p_product, price_amount=Decimal("25.00"))
    zero_rated = PackFactory(product=ProductFactory(vat_rate="zero"), price_amount=Decimal("6.00"))
    order = place_order(user=user, cart=cart_with(user, (p_pack, 1), (zero_rated, 1)), details=details(),
                        idempotency_key="k", patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)),
                        consultation_answers={p_pack.sku: {question.pk: "no"}})
    assert (order.subtotal_amount, order.delivery_amount, order.total_amount) == (
        Decimal("31.00"), Decimal("0.00"), Decimal("31.00"))  # free over £30

    refuse_order_line(line=order.lines.get(sku=p_pack.sku), pharmacist=pharmacist, reason="not_suitable")

    order.refresh_from_db()
    # Free delivery stays free; only the zero-rated £6.00 is left, so there is no VAT at all.
    assert (order.subtotal_amount, order.delivery_amount, order.vat_amount, order.total_amount) == (
        Decimal("6.00"), Decimal("0.00"), Decimal("0.00"), Decimal("6.00"))


def test_a_charged_delivery_stays_in_the_total_after_a_refusal(user, pharmacist):
    DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.00"))
    p_product = ProductFactory(legal_category="pharmacy")
    p_pack = PackFactory(product=p_product, price_amount=Decimal("4.00"))
    gsl = PackFactory(price_amount=Decimal("3.00"), product=ProductFactory(vat_rate="zero"))
    order = place_order(user=user, cart=cart_with(user, (p_pack, 1), (gsl, 1)), details=details(),
                        idempotency_key="k", patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)))
    assert order.delivery_vat_amount == Decimal("0.57")  # 4/7 of £6.00 at 20%: 3.428… × 1/6

    refuse_order_line(line=order.lines.get(sku=p_pack.sku), pharmacist=pharmacist, reason="not_suitable")

    order.refresh_from_db()
    assert (order.subtotal_amount, order.delivery_amount, order.total_amount) == (
        Decimal("3.00"), Decimal("6.00"), Decimal("9.00"))
    assert (order.delivery_vat_amount, order.vat_amount) == (Decimal("0.00"), Decimal("0.00"))  # zero-rated goods
