"""The admin review page for pharmacy-only (P) medicines: the answers shown, a line approved or refused
through the services, a P-only order approved without a prescription, and the deadline extended."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import ConsultationQuestion, ConsultationQuestionnaire, Pack
from checkout.services import place_order
from orders.models import LineDecision, Order, OrderStatus
from patients.details import PatientDetails
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def p_order(user, gsl_pack):
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy")
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, answer_type="text",
                                                   text="What is the pain?")
    pack = PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)
    return place_order(user=user, cart=cart_with(user, (pack, 2), (gsl_pack, 1)), details=details(),
                       idempotency_key="k", patient=PatientDetails(name="Sam Shopper", is_account_holder=False,
                                                            date_of_birth=datetime.date(2010, 5, 1)),
                       consultation_answers={"COD-32": {question.pk: "Toothache since Monday"}})


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def test_review_page_shows_the_patient_and_the_consultation_answers(client, pharmacist, p_order):
    client.force_login(pharmacist)
    html = client.get(review_url(p_order)).content.decode()
    assert "What is the pain?" in html and "Toothache since Monday" in html
    assert "Sam Shopper" in html and "Refuse this medicine" in html
    assert "review your answers" in html


def test_pharmacist_refuses_a_p_line_in_the_admin_and_its_stock_returns(client, pharmacist, p_order):
    line = p_order.lines.get(sku="COD-32")
    client.force_login(pharmacist)
    response = client.post(review_url(p_order), {"line_id": str(line.pk), f"line-{line.pk}-line": str(line.pk),
                                                 f"line-{line.pk}-reason": "see_gp",
                                                 f"line-{line.pk}-note": "Toothache: a dentist's matter.",
                                                 "_refuse_line": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.decision, line.refusal_code, line.decision_reason, line.decided_by) == (
        LineDecision.REFUSED, "see_gp", "Toothache: a dentist's matter.", pharmacist)
    assert Pack.objects.get(sku="COD-32").stock_quantity == 10
    assert Order.objects.get(pk=p_order.pk).status == OrderStatus.APPROVED


def test_refusing_without_a_reason_in_the_admin_changes_nothing(client, pharmacist, p_order):
    line = p_order.lines.get(sku="COD-32")
    client.force_login(pharmacist)
    response = client.post(review_url(p_order), {"line_id": str(line.pk), f"line-{line.pk}-line": str(line.pk),
                                                 f"line-{line.pk}-reason": "", "_refuse_line": "1"}, follow=True)
    assert "Choose the reason the shopper is told from the list." in response.content.decode()
    line.refresh_from_db()
    assert line.decision == LineDecision.PENDING
    assert Pack.objects.get(sku="COD-32").stock_quantity == 8


def test_pharmacist_approves_a_p_only_order_without_a_prescription_in_the_admin(client, pharmacist, p_order):
    client.force_login(pharmacist)
    response = client.post(review_url(p_order), {"_approve": "1", "approve-note": "Answers reviewed."})
    assert response.status_code == 302
    order = Order.objects.get(pk=p_order.pk)
    assert (order.status, order.released_by, order.prescription_id) == (OrderStatus.APPROVED, pharmacist, None)


def test_admin_action_extends_the_review_deadline(client, pharmacist, p_order):
    client.force_login(pharmacist)
    old = p_order.review_deadline
    client.post(reverse("admin:dispensing_orderawaitingreview_changelist"),
                {"action": "extend_deadline_selected", "_selected_action": [str(p_order.pk)]})
    assert Order.objects.get(pk=p_order.pk).review_deadline == old + datetime.timedelta(days=7)
