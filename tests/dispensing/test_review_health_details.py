"""Health details only to those entitled: an order's consultation answers and clinical alerts (whose subjects
say pregnancy, allergies, conditions) reach the review page, the alerts admin and the pharmacist API only for
staff allowed to view health records (pharmacists, or patients.view_health_record), and each view is logged in
the health-record access log. Other staff still see the order, never those details."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
from checkout.services import place_order
from clinical.models import OrderAlert
from patients.details import PatientDetails
from patients.models import AccessChannel, HealthRecordAccess
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

ANSWER = "Yes, 20 weeks pregnant"
SUBJECT = "pregnancy: 20 weeks"
MESSAGE = "Codeine in late pregnancy: neonatal withdrawal."


@pytest.fixture
def p_order(user):
    """A P medicine order whose consultation answer and clinical alert are health details."""
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy")
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, answer_type="text",
                                                   text="Are you pregnant?")
    pack = PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="k",
                        patient=PatientDetails(date_of_birth=datetime.date(1990, 5, 1)),
                        consultation_answers={"COD-32": {question.pk: ANSWER}})
    OrderAlert.objects.create(order=order, line=order.lines.get(), rule_id="codeine-pregnancy", kind="pregnancy",
                              severity="major", message=MESSAGE, advice="Speak to your midwife.",
                              source="Leaflet section 2", subjects=[SUBJECT])
    return order


@pytest.fixture
def order_staff(db):
    """Staff who handle orders (view, dispatch, cancel) without the health-record permission."""
    return StaffFactory()


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def test_staff_without_the_health_permission_see_no_consultation_answer_or_alert_subject(client, order_staff,
                                                                                          p_order):
    client.force_login(order_staff)
    response = client.get(review_url(p_order))

    assert response.status_code == 200
    html = response.content.decode()
    assert p_order.number in html and "(COD-32)" in html  # the order itself is still theirs to see
    assert ANSWER not in html and "Are you pregnant?" not in html
    assert SUBJECT not in html and MESSAGE not in html and "codeine-pregnancy" not in html
    assert "shown only to staff allowed to view health records" in html
    assert not HealthRecordAccess.objects.exists()


def test_a_pharmacist_sees_the_answers_and_alerts_and_the_view_is_logged(client, pharmacist, p_order):
    client.force_login(pharmacist)
    html = client.get(review_url(p_order)).content.decode()

    assert ANSWER in html and SUBJECT in html and MESSAGE in html
    access = HealthRecordAccess.objects.get()
    assert (access.staff, access.patient_id, access.order_number, access.channel) == (
        pharmacist, p_order.patient_record_id, p_order.number, AccessChannel.ADMIN_ORDER_REVIEW)


def test_an_order_without_a_health_record_is_logged_by_its_number(client, pharmacist, p_order):
    type(p_order).objects.filter(pk=p_order.pk).update(patient_record=None)  # e.g. placed before records
    client.force_login(pharmacist)

    assert ANSWER in client.get(review_url(p_order)).content.decode()

    access = HealthRecordAccess.objects.get()
    assert (access.patient, access.patient_reference, access.order_number) == (None, None, p_order.number)


def test_staff_with_the_health_permission_see_them_too_and_each_view_is_logged(client, order_staff, p_order):
    order_staff.user_permissions.add(Permission.objects.get(codename="view_health_record"))
    client.force_login(order_staff)

    for _ in range(2):
        assert ANSWER in client.get(review_url(p_order)).content.decode()

    assert HealthRecordAccess.objects.filter(staff=order_staff, order_number=p_order.number).count() == 2


def test_the_alerts_admin_is_closed_to_staff_without_the_health_permission(client, order_staff, p_order):
    alert = p_order.clinical_alerts.get()
    client.force_login(order_staff)

    assert client.get(reverse("admin:clinical_orderalert_changelist")).status_code == 403
    assert client.get(reverse("admin:clinical_orderalert_change", args=[alert.pk])).status_code == 403
    assert "codeine-pregnancy" not in client.get(reverse("admin:index")).content.decode()
    assert not HealthRecordAccess.objects.exists()


def test_the_alerts_admin_logs_every_order_a_pharmacist_sees(client, pharmacist, p_order):
    alert = p_order.clinical_alerts.get()
    client.force_login(pharmacist)

    assert "codeine-pregnancy" in client.get(reverse("admin:clinical_orderalert_changelist")).content.decode()
    assert SUBJECT in client.get(reverse("admin:clinical_orderalert_change", args=[alert.pk])).content.decode()

    assert list(HealthRecordAccess.objects.values_list("order_number", "channel")) == [
        (p_order.number, AccessChannel.ADMIN_ORDER_ALERTS)] * 2


def test_the_pharmacist_api_shows_answers_and_alerts_in_the_logged_detail_only(pharmacist_client, p_order):
    listed = pharmacist_client.get("/api/v1/pharmacist/orders/").json()
    items = listed["results"] if isinstance(listed, dict) else listed
    [item] = [item for item in items if item["number"] == p_order.number]
    assert item["clinical_alerts"] == [] and item["lines"][0]["consultation_answers"] == []
    assert ANSWER not in str(listed) and SUBJECT not in str(listed)
    assert not HealthRecordAccess.objects.exists()

    detail = pharmacist_client.get(f"/api/v1/pharmacist/orders/{p_order.number}/").json()

    assert detail["lines"][0]["consultation_answers"][0]["answer"] == ANSWER
    assert detail["clinical_alerts"][0]["subjects"] == [SUBJECT]
    access = HealthRecordAccess.objects.get()
    assert (access.order_number, access.channel) == (p_order.number, AccessChannel.API_ORDER_REVIEW)
