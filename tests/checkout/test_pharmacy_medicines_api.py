"""Pharmacy-only (P) medicines over the API: the questions, checkout with answers and the patient, the
waiting reason, the pharmacist's per-line decision and deadline extension, and the refusals as problems."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cart.services import add_to_cart, get_or_create_user_cart
from catalog.models import ConsultationQuestion, ConsultationQuestionnaire, Pack
from orders.models import Order
from tests.builders.api import SHIPPING, assert_problem
from tests.factories import PackFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def p_pack(db):
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy",
                             minimum_age=12)
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    ConsultationQuestion.objects.create(questionnaire=questionnaire, position=0, text="At most 3 days?")
    return PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)


def checkout(client, body, key="k1"):
    return client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_p_order_over_the_api_asks_waits_and_a_refused_line_returns_its_stock(
    user, shopper_client, pharmacist_client, p_pack, gsl_pack
):
    cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=cart, pack=p_pack, quantity=2)
    add_to_cart(cart=cart, pack=gsl_pack, quantity=1)

    questions = shopper_client.get("/api/v1/checkout/questions/").json()
    assert [(q["sku"], q["minimum_age"]) for q in questions] == [("COD-32", 12)]
    question = questions[0]["questions"][0]
    assert (question["text"], question["answer_type"], question["choices"]) == ("At most 3 days?", "yes_no",
                                                                                  ["yes", "no"])

    assert_problem(checkout(shopper_client, {"shipping": SHIPPING, "patient": {"date_of_birth": "1980-01-01"}}),
                   422, "consultation_incomplete", f"consultations.COD-32.{question['id']}")
    nine = timezone.localdate().replace(year=timezone.localdate().year - 9).isoformat()
    child = {"is_account_holder": False, "name": "Sam Lovelace", "date_of_birth": nine}
    answers = [{"sku": "COD-32", "answers": [{"question_id": question["id"], "answer": "yes"}]}]
    assert_problem(checkout(shopper_client, {"shipping": SHIPPING, "patient": child, "consultations": answers}),
                   422, "patient_too_young", "patient_date_of_birth")
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10

    response = checkout(shopper_client, {"shipping": SHIPPING, "patient": {"date_of_birth": "1980-01-01"},
                                         "consultations": answers})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "awaiting_review"
    assert "pharmacist" in body["waiting_reason"]
    assert body["review_deadline"] is not None
    p_line = next(line for line in body["lines"] if line["sku"] == "COD-32")
    assert p_line["decision"] == "pending"
    assert p_line["consultation_answers"] == [
        {"question_id": question["id"], "question": "At most 3 days?", "answer_type": "yes_no", "answer": "yes"}]

    number = body["number"]
    decision_url = f"/api/v1/pharmacist/orders/{number}/lines/{p_line['id']}/decision/"
    assert_problem(shopper_client.post(decision_url, {"decision": "refuse", "reason": "x"}, format="json"), 403)
    assert_problem(pharmacist_client.post(decision_url, {"decision": "refuse", "reason": ""}, format="json"),
                   422, "invalid_refusal_reason", "reason")
    assert_problem(pharmacist_client.post(decision_url, {"decision": "refuse", "reason": "See your GP."},
                                          format="json"), 400, field="reason")  # free text: not on the list
    response = pharmacist_client.post(decision_url, {"decision": "refuse", "reason": "see_gp",
                                                     "note": "Wants codeine for a week."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10

    mine = shopper_client.get(f"/api/v1/orders/{number}/").json()
    refused = next(line for line in mine["lines"] if line["sku"] == "COD-32")
    assert (refused["decision"], refused["refusal_reason"], refused["decision_reason"]) == (
        "refused", "see_gp", "Please see your GP or another prescriber about this; we cannot supply it online.")
    assert "Wants codeine" not in str(mine)  # the pharmacist's note is staff only
    assert mine["total"] == {"amount": "3.49", "currency": "GBP"}


def test_pharmacist_extends_the_deadline_over_the_api(user, pharmacist_client, p_pack):
    cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=cart, pack=p_pack, quantity=1)
    from checkout.services import place_order
    from patients.details import PatientDetails
    from tests.builders.orders import details

    question = ConsultationQuestion.objects.get()
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="k",
                        patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)),
                        consultation_answers={"COD-32": {question.pk: "yes"}})
    url = f"/api/v1/pharmacist/orders/{order.number}/deadline/"
    earlier = (order.review_deadline - datetime.timedelta(days=1)).isoformat()
    assert_problem(pharmacist_client.post(url, {"until": earlier}, format="json"), 422, "invalid_review_deadline")
    later = order.review_deadline + datetime.timedelta(days=7)
    response = pharmacist_client.post(url, {"until": later.isoformat(), "reason": "Call booked."}, format="json")
    assert response.status_code == 200, response.json()
    assert Order.objects.get(pk=order.pk).review_deadline == later
