"""The prescription gate from the pharmacist's side: who may approve, what they may approve, and that
no path takes a prescription-only order past review without it."""

import dataclasses
import datetime

import pytest
from django.db import IntegrityError, transaction

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order, reject_order
from dispensing.originals import record_original_received
from notifications.models import OutboxMessage
from orders.exceptions import InvalidOrderTransition, InvalidRefusalReason, NotAllowed, NotAPharmacist
from orders.models import Order, OrderStatus
from orders.services import ALLOWED_TRANSITIONS, cancel_order, mark_order_delivered
from prescriptions.exceptions import InvalidDispensingRecord, PrescriptionExpired, PrescriptionNotCovering
from prescriptions.models import Prescription, PrescriptionStatus
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PackFactory, ProductFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_order(user, pom_pack):
    cart = cart_with(user, (pom_pack, 2))
    return place_order(user=user, cart=cart, details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))


def test_pharmacist_approves_order_and_records_the_dispensing_record(awaiting_order, pharmacist, pom_pack):
    order = approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))

    assert order.status == OrderStatus.APPROVED
    assert order.prescription_approved_by == pharmacist
    prescription = order.prescription
    prescription.refresh_from_db()
    assert prescription.status == PrescriptionStatus.APPROVED
    assert (prescription.prescriber_registration, prescription.reviewed_by) == ("7123456", pharmacist)
    assert list(prescription.items.values_list("pack_id", "quantity")) == [(pom_pack.pk, 168)]
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("awaiting_review", "approved", pharmacist)
    assert OutboxMessage.objects.filter(order=order, kind="order_approved").exists()


@pytest.mark.parametrize("who", ["shopper", "staff", "superuser"])
def test_only_a_pharmacist_can_approve(awaiting_order, pom_pack, who):
    person = {
        "shopper": lambda: awaiting_order.user,
        "staff": lambda: UserFactory(is_staff=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[who]()
    with pytest.raises(NotAPharmacist):
        approve_order(order=awaiting_order, pharmacist=person, record=dispensing_record((pom_pack, 168)))
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert awaiting_order.prescription.status == PrescriptionStatus.SUBMITTED


def test_only_a_pharmacist_can_reject(awaiting_order):
    with pytest.raises(NotAPharmacist):
        reject_order(order=awaiting_order, pharmacist=UserFactory(is_staff=True, is_superuser=True),
                     reason="contact_us")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_expired_prescription_cannot_be_approved(awaiting_order, pharmacist, pom_pack):
    record = dispensing_record((pom_pack, 168), issued_days_ago=200, valid_days=180)
    with pytest.raises(PrescriptionExpired):
        approve_order(order=awaiting_order, pharmacist=pharmacist, record=record)
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert not awaiting_order.prescription.items.exists()


def test_prescription_authorising_less_than_the_order_cannot_be_approved(awaiting_order, pharmacist, pom_pack):
    with pytest.raises(PrescriptionNotCovering, match="this order needs 168"):
        approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert awaiting_order.prescription.status == PrescriptionStatus.SUBMITTED


def test_prescription_for_another_strength_does_not_cover(awaiting_order, pharmacist, pom_pack):
    stronger = PackFactory(product=pom_pack.product, sku="PRES-20-84", pack_size=84, strength=20)
    with pytest.raises(PrescriptionNotCovering, match="does not authorise"):
        approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((stronger, 500)))


def test_validity_longer_than_the_legal_maximum_is_refused(awaiting_order, pharmacist, pom_pack):
    with pytest.raises(InvalidDispensingRecord, match="valid until"):
        approve_order(order=awaiting_order, pharmacist=pharmacist,
                      record=dispensing_record((pom_pack, 168), valid_days=400))


def test_controlled_drug_prescription_is_valid_for_28_days_only(user, pharmacist, settings):
    settings.ALLOW_CONTROLLED_DRUGS_ONLINE = True
    pack = PackFactory(product=ProductFactory(legal_category="prescription", controlled_drug_schedule=3), pack_size=30)
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="cd",
                        prescription=uploaded_prescription(user))
    with pytest.raises(InvalidDispensingRecord):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pack, 30), valid_days=60))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pack, 30), valid_days=28))


def test_valid_until_left_out_defaults_to_28_days_for_a_controlled_drug(user, pharmacist, settings):
    settings.ALLOW_CONTROLLED_DRUGS_ONLINE = True
    pack = PackFactory(product=ProductFactory(legal_category="prescription", controlled_drug_schedule=3), pack_size=30)
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="cd",
                        prescription=uploaded_prescription(user))

    approve_order(order=order, pharmacist=pharmacist,
                  record=dataclasses.replace(dispensing_record((pack, 30)), valid_until=None))

    prescription = Prescription.objects.get(pk=order.prescription_id)
    assert prescription.valid_until == prescription.issued_on + datetime.timedelta(days=28)


def test_approval_needs_a_dispensing_record_for_an_unchecked_prescription(awaiting_order, pharmacist):
    with pytest.raises(InvalidOrderTransition, match="dispensing details"):
        approve_order(order=awaiting_order, pharmacist=pharmacist)


def test_reject_returns_stock_and_rejects_prescription_with_reason(awaiting_order, pharmacist, pom_pack):
    order = reject_order(order=awaiting_order, pharmacist=pharmacist, reason="prescription_not_valid",
                         note="Prescription is for another patient")
    assert order.status == OrderStatus.REJECTED
    pom_pack.refresh_from_db()
    assert pom_pack.stock_quantity == 50
    order.prescription.refresh_from_db()
    assert order.prescription.status == PrescriptionStatus.REJECTED
    assert order.prescription.rejection_reason == "Prescription is for another patient"  # staff only
    assert order.prescription.refusal_code == "prescription_not_valid"  # what the shopper is told
    assert order.events.last().reason == "Prescription is for another patient"


@pytest.mark.parametrize("reason", ["  ", "The prescription is for someone else."])
def test_reject_needs_a_reason_from_the_list(awaiting_order, pharmacist, reason):
    with pytest.raises(InvalidRefusalReason):
        reject_order(order=awaiting_order, pharmacist=pharmacist, reason=reason)
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


@pytest.mark.parametrize("path", ["dispatch", "deliver", "cancel_then_dispatch"])
def test_no_service_path_takes_an_unreviewed_order_past_review(awaiting_order, path):
    staff = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(InvalidOrderTransition):
        if path == "dispatch":
            dispatch_order(order=awaiting_order, actor=staff)
        elif path == "deliver":
            mark_order_delivered(order=awaiting_order, actor=staff)
        else:
            cancel_order(order=awaiting_order, actor=staff)
            dispatch_order(order=awaiting_order, actor=staff)
    awaiting_order.refresh_from_db()
    assert awaiting_order.status in (OrderStatus.AWAITING_REVIEW, OrderStatus.CANCELLED)


@pytest.mark.parametrize("status", ["approved", "dispatched", "delivered"])
def test_database_refuses_release_of_prescription_order_without_pharmacist(awaiting_order, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=awaiting_order.pk).update(status=status)


def test_full_pipeline_after_approval(awaiting_order, pharmacist, pom_pack):
    staff = StaffFactory()
    approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    record_original_received(prescription=awaiting_order.prescription, pharmacist=pharmacist, matches=True)
    dispatch_order(order=awaiting_order, actor=staff)
    order = mark_order_delivered(order=awaiting_order, actor=staff)
    assert list(order.events.values_list("to_status", flat=True)) == [
        "awaiting_review", "approved", "dispatched", "delivered"
    ]
    assert set(OutboxMessage.objects.filter(order=order).values_list("kind", flat=True)) == {
        "order_placed", "order_approved", "order_dispatched"
    }


def test_shopper_cancels_own_order_and_stock_returns(awaiting_order, pom_pack):
    order = cancel_order(order=awaiting_order, actor=awaiting_order.user)
    assert order.status == OrderStatus.CANCELLED
    pom_pack.refresh_from_db()
    assert pom_pack.stock_quantity == 50
    with pytest.raises(InvalidOrderTransition):
        cancel_order(order=order, actor=order.user)
    pom_pack.refresh_from_db()
    assert pom_pack.stock_quantity == 50  # not returned twice


def test_shopper_cannot_cancel_someone_elses_order(awaiting_order, other_user):
    with pytest.raises(NotAllowed):
        cancel_order(order=awaiting_order, actor=other_user)


def test_shopper_cannot_dispatch(awaiting_order):
    with pytest.raises(NotAllowed):
        dispatch_order(order=awaiting_order, actor=awaiting_order.user)


def test_dispatched_order_cannot_be_cancelled(user, gsl_pack):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="g")
    dispatch_order(order=order, actor=StaffFactory())
    with pytest.raises(InvalidOrderTransition, match="can no longer be cancelled"):
        cancel_order(order=order, actor=user)


def test_transition_table_goes_back_to_review_only_to_reopen_and_terminal_states_are_final():
    # The one way back: an approved order reopens when its paper original does not match.
    # (and an order placed awaiting payment goes to review once its card is authorised)
    assert {state for state, targets in ALLOWED_TRANSITIONS.items() if "awaiting_review" in targets} == {
        "approved", "awaiting_payment"}
    for terminal in ("delivered", "rejected", "cancelled"):
        assert ALLOWED_TRANSITIONS[terminal] == set()
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus.values)


def test_prescription_issued_in_the_future_is_refused(awaiting_order, pharmacist, pom_pack):
    record = dispensing_record((pom_pack, 168), issued_days_ago=-1)  # dated tomorrow
    with pytest.raises(InvalidDispensingRecord, match="future"):
        approve_order(order=awaiting_order, pharmacist=pharmacist, record=record)
