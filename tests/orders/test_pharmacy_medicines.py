"""Pharmacy-only (P) medicines: consultation answers, a pharmacist's decision per line, the patient's age,
and the review deadline. Through the services, on PostgreSQL."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Category, ConsultationQuestion, ConsultationQuestionnaire, Pack
from dispensing.approval import approve_order
from dispensing.decisions import approve_order_line, refuse_order_line
from dispensing.expiry import expire_overdue_orders, extend_review_deadline, list_orders_due_for_expiry
from notifications.models import OutboxMessage
from orders.exceptions import (
    ConsultationIncomplete,
    InvalidOrderTransition,
    InvalidRefusalReason,
    InvalidReviewDeadline,
    LineDecisionNotAllowed,
    NotAPharmacist,
    PatientDetailsRequired,
    PatientTooYoung,
)
from orders.models import LineDecision, MessageKind, Order, OrderStatus
from orders.services import set_review_deadline
from patients.details import PatientDetails
from tests.builders.consultations import answers_for, place
from tests.factories import PackFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]










def test_p_only_order_waits_for_a_pharmacist_with_its_answers_and_deadline(user, p_pack, settings):
    settings.ORDER_REVIEW_DEADLINE_DAYS = 14
    before = timezone.now()
    order = place(user, (p_pack, 1), answers=answers_for(p_pack, "YES", "  ibuprofen  "))
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert (order.requires_pharmacist, order.requires_prescription, order.prescription_id) == (True, False, None)
    assert before + datetime.timedelta(days=14) <= order.review_deadline <= timezone.now() + datetime.timedelta(14)
    line = order.lines.get()
    assert line.decision == LineDecision.PENDING
    assert [(a["question"], a["answer"]) for a in line.consultation_answers] == [
        ("Will you use it for at most 3 days?", "yes"), ("Other medicines?", "ibuprofen")]
    assert "review your answers" in order.waiting_reason


def test_p_and_gsl_order_waits_and_gsl_only_order_is_approved_at_once(user, other_user, p_pack, gsl_pack):
    mixed = place(user, (p_pack, 1), (gsl_pack, 1), answers=answers_for(p_pack))
    assert mixed.status == OrderStatus.AWAITING_REVIEW
    assert {line.sku: line.decision for line in mixed.lines.all()} == {
        p_pack.sku: LineDecision.PENDING, gsl_pack.sku: LineDecision.NOT_NEEDED}
    gsl_only = place(other_user, (gsl_pack, 1))
    assert (gsl_only.status, gsl_only.requires_pharmacist, gsl_only.review_deadline) == (
        OrderStatus.APPROVED, False, None)
    assert gsl_only.waiting_reason == ""


def test_questions_attached_to_a_category_are_asked_for_its_products(user, db):
    category = Category.objects.create(name="Heartburn", slug="heartburn")
    product = ProductFactory(name="Acidol capsules", slug="acidol-capsules", legal_category="pharmacy")
    product.categories.add(category)
    questionnaire = ConsultationQuestionnaire.objects.create(name="Heartburn")
    questionnaire.categories.add(category)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, answer_type="choice",
                                                   choices="Under 2 weeks\nLonger", text="How long?")
    pack = PackFactory(product=product)
    with pytest.raises(ConsultationIncomplete) as refusal:
        place(user, (pack, 1), answers={pack.sku: {question.pk: "a month"}})
    assert "one of: Under 2 weeks, Longer" in refusal.value.message
    order = place(user, (pack, 1), answers={pack.sku: {str(question.pk): "longer"}}, key="k2")
    assert order.lines.get().consultation_answers[0]["answer"] == "Longer"


def test_p_line_without_answers_is_refused_and_nothing_changes(user, p_pack):
    with pytest.raises(ConsultationIncomplete) as refusal:
        place(user, (p_pack, 1))
    assert "Will you use it for at most 3 days?" in refusal.value.message
    assert refusal.value.code == "consultation_incomplete"
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10


def test_a_childs_order_uses_the_childs_age_not_the_account_holders(user, p_pack):
    today = timezone.localdate()
    child = PatientDetails(name="Sam Shopper", date_of_birth=today.replace(year=today.year - 9),
                           is_account_holder=False)
    with pytest.raises(PatientTooYoung) as refusal:
        place(user, (p_pack, 1), answers=answers_for(p_pack), patient=child)
    assert "under 12" in refusal.value.message and "Sam Shopper is 9" in refusal.value.message
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10

    teenager = PatientDetails(name="Alex Shopper", date_of_birth=today.replace(year=today.year - 13),
                       is_account_holder=False)
    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=teenager, key="k2")
    assert (order.patient_name, order.patient_date_of_birth, order.patient_is_account_holder) == (
        "Alex Shopper", teenager.date_of_birth, False)


def test_someone_cared_for_needs_a_name_and_date_of_birth(user, gsl_pack):
    with pytest.raises(PatientDetailsRequired):
        place(user, (gsl_pack, 1), patient=PatientDetails(name="Sam", is_account_holder=False))
    with pytest.raises(PatientDetailsRequired):
        place(user, (gsl_pack, 1),
              patient=PatientDetails(date_of_birth=datetime.date(2015, 1, 1), is_account_holder=False))
    assert not Order.objects.exists()


def test_minimum_age_needs_the_patients_date_of_birth(p_pack):
    user = UserFactory(health_record=False)  # no date of birth on record, none given at checkout
    with pytest.raises(PatientDetailsRequired) as refusal:
        place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails())
    assert refusal.value.extra.get("field", "patient_date_of_birth") == "patient_date_of_birth"


def test_pharmacist_approves_a_p_line_and_the_order_without_a_prescription(user, pharmacist, p_pack):
    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    line = approve_order_line(line=order.lines.get(), pharmacist=pharmacist, reason="Answers fine.")
    order.refresh_from_db()
    assert (line.decision, line.decision_reason, line.decided_by) == (LineDecision.APPROVED, "Answers fine.",
                                                                      pharmacist)
    assert (order.status, order.released_by, order.prescription_id) == (OrderStatus.APPROVED, pharmacist, None)
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_APPROVED).exists()


def test_refused_p_line_returns_its_stock_and_the_rest_goes_on(user, pharmacist, p_pack, gsl_pack):
    order = place(user, (p_pack, 2), (gsl_pack, 1), answers=answers_for(p_pack, "no"),
                  patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)))
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 8
    p_line = order.lines.get(sku=p_pack.sku)
    refuse_order_line(line=p_line, pharmacist=pharmacist, reason="see_gp",
                      note="Codeine for longer than 3 days.")
    order.refresh_from_db()
    p_line.refresh_from_db()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10
    assert Pack.objects.get(pk=gsl_pack.pk).stock_quantity == 99
    assert (p_line.decision, p_line.decided_by) == (LineDecision.REFUSED, pharmacist)
    assert order.status == OrderStatus.APPROVED  # a partial refusal: the general-sale item still ships
    assert order.total_amount == gsl_pack.price_amount
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_LINES_REFUSED).exists()


def test_refusing_the_only_line_rejects_the_order(user, pharmacist, p_pack):
    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    refuse_order_line(line=order.lines.get(), pharmacist=pharmacist, reason="not_suitable")
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10
    assert set(OutboxMessage.objects.filter(order=order).values_list("kind", flat=True)) >= {
        MessageKind.ORDER_LINES_REFUSED, MessageKind.ORDER_REJECTED}


def test_line_decisions_are_refused_without_reason_for_non_p_lines_twice_and_for_non_pharmacists(
    user, pharmacist, p_pack, gsl_pack
):
    order = place(user, (p_pack, 1), (gsl_pack, 1), answers=answers_for(p_pack),
                  patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)))
    p_line, gsl_line = order.lines.get(sku=p_pack.sku), order.lines.get(sku=gsl_pack.sku)
    with pytest.raises(InvalidRefusalReason):
        refuse_order_line(line=p_line, pharmacist=pharmacist, reason="  ")
    with pytest.raises(LineDecisionNotAllowed):
        approve_order_line(line=gsl_line, pharmacist=pharmacist)
    with pytest.raises(NotAPharmacist):
        approve_order_line(line=p_line, pharmacist=user)
    p_line.refresh_from_db()
    assert p_line.decision == LineDecision.PENDING
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 9
    approve_order_line(line=p_line, pharmacist=pharmacist)
    with pytest.raises(InvalidOrderTransition):
        refuse_order_line(line=p_line, pharmacist=pharmacist, reason="contact_us")
    p_line.refresh_from_db()
    assert p_line.decision == LineDecision.APPROVED


def test_approve_order_approves_every_pending_p_line(user, pharmacist, p_pack, gsl_pack):
    order = place(user, (p_pack, 1), (gsl_pack, 1), answers=answers_for(p_pack),
                  patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)))
    approve_order(order=order, pharmacist=pharmacist, note="Consultation reviewed.")
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.lines.get(sku=p_pack.sku).decision == LineDecision.APPROVED


def test_an_unreviewed_order_expires_at_its_deadline_and_releases_its_allocation(user, pharmacist, p_pack):
    order = place(user, (p_pack, 3), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 7
    assert expire_overdue_orders(now=order.review_deadline - datetime.timedelta(seconds=1)) == 0
    assert list(list_orders_due_for_expiry(now=order.review_deadline)) == [order]

    assert expire_overdue_orders(now=order.review_deadline) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10
    event = order.events.latest("pk")
    assert (event.from_status, event.to_status, event.actor) == (
        OrderStatus.AWAITING_REVIEW, OrderStatus.CANCELLED, None)
    assert "deadline" in event.reason
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_EXPIRED).exists()
    assert expire_overdue_orders(now=order.review_deadline) == 0  # idempotent


def test_a_pharmacist_extends_the_deadline_and_the_order_survives_the_old_one(user, pharmacist, p_pack):
    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    old = order.review_deadline
    with pytest.raises(InvalidReviewDeadline):
        extend_review_deadline(order=order, pharmacist=pharmacist, until=old - datetime.timedelta(days=1))
    with pytest.raises(NotAPharmacist):
        extend_review_deadline(order=order, pharmacist=user, until=old + datetime.timedelta(days=7))
    assert Order.objects.get(pk=order.pk).review_deadline == old
    extend_review_deadline(order=order, pharmacist=pharmacist, until=old + datetime.timedelta(days=7),
                           reason="Waiting for the patient's GP.")
    assert expire_overdue_orders(now=old) == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_REVIEW
    assert "Waiting for the patient's GP." in order.events.latest("pk").reason


def test_another_service_can_bring_the_deadline_forward(user, p_pack):
    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    soon = timezone.now() + datetime.timedelta(days=6)
    set_review_deadline(order=order, deadline=soon, reason="Card authorisation expires.")
    assert Order.objects.get(pk=order.pk).review_deadline == soon


def test_expiry_task_runs_the_service(user, p_pack):
    from dispensing.tasks import expire_overdue_orders_task

    order = place(user, (p_pack, 1), answers=answers_for(p_pack), patient=PatientDetails(
        date_of_birth=datetime.date(1980, 1, 1)))
    Order.objects.filter(pk=order.pk).update(review_deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert expire_overdue_orders_task.delay().get() == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
