"""Storefront checkout of a pharmacy-only (P) medicine: the questions asked, the patient's age checked,
and the order page saying why the order waits."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import ConsultationQuestion, ConsultationQuestionnaire, Pack
from orders.models import Order, OrderStatus
from tests.builders.orders import cart_with
from tests.factories import PackFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHECKOUT = reverse("checkout:checkout")


@pytest.fixture
def p_pack(db):
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy",
                             minimum_age=12)
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    ConsultationQuestion.objects.create(questionnaire=questionnaire, text="Will you use it for at most 3 days?")
    return PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)


def form_data(question, **overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA",
        "patient_for": "me", "patient_date_of_birth": "1980-01-01", f"consult_COD-32_{question.pk}": "yes",
    }
    data.update(overrides)
    return data


def test_checkout_asks_the_questions_and_the_order_page_says_why_it_waits(client, user, p_pack):
    client.force_login(user)
    cart_with(user, (p_pack, 1))
    question = ConsultationQuestion.objects.get()
    html = client.get(CHECKOUT).content.decode()
    assert "Questions from our pharmacist" in html and "Will you use it for at most 3 days?" in html

    response = client.post(CHECKOUT, form_data(question))
    order = Order.objects.get()
    assert response.status_code == 302
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert order.lines.get().consultation_answers[0]["answer"] == "yes"
    page = client.get(order.get_absolute_url()).content.decode()
    assert "a pharmacist must review your answers for the pharmacy-only medicines" in page


def test_a_childs_order_is_refused_by_the_childs_age_on_the_checkout_page(client, user, p_pack):
    client.force_login(user)
    cart_with(user, (p_pack, 1))
    question = ConsultationQuestion.objects.get()
    today = timezone.localdate()
    response = client.post(CHECKOUT, form_data(
        question, patient_for="other", patient_name="Sam Shopper",
        patient_date_of_birth=today.replace(year=today.year - 8).isoformat()))
    assert response.status_code == 200
    assert "not sold for patients under 12" in response.content.decode()
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10


def test_unanswered_question_is_shown_next_to_it(client, user, p_pack):
    client.force_login(user)
    cart_with(user, (p_pack, 1))
    question = ConsultationQuestion.objects.get()
    response = client.post(CHECKOUT, form_data(question, **{f"consult_COD-32_{question.pk}": ""}))
    assert response.status_code == 200
    assert response.context["form"].errors.get(f"consult_COD-32_{question.pk}")
    assert not Order.objects.exists()
