"""Issue 8's loose ends, through the services (and one interface each): an order approved against an
uploaded copy whose original never arrives expires at its deadline; a pharmacist can give it more time;
the register names the batch dispatch picked and the patient; a reopened review can be approved again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Pack
from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.expiry import expire_overdue_orders, extend_review_deadline, list_orders_due_for_expiry
from dispensing.models import RegisterEntry
from dispensing.originals import record_electronic_verified, record_original_received
from notifications.models import OutboxMessage
from orders.models import LineDecision, MessageKind, Order, OrderStatus
from orders.selectors import list_orders_awaiting_review
from orders.services.originals import is_waiting_for_original
from patients.details import PatientDetails
from prescriptions.models import PrescriptionStatus
from tests.builders.orders import cart_with, details, dispensing_record, eps_id, uploaded_prescription
from tests.factories import PackFactory, ProductFactory, StaffFactory, StockBatchFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]



@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def approved_order(user, pom_pack, pharmacist):
    """Two packs of Presolol approved against an uploaded copy: waiting for the paper original."""
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="w",
                        prescription=uploaded_prescription(user))
    return approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))


def available(pack) -> int:
    return Pack.objects.get(pk=pack.pk).stock_quantity


# --- The deadline covers an order waiting for its original ------------------------------------------


def test_an_upload_approved_order_whose_original_never_arrives_expires_and_releases_its_allocation(
    approved_order, pom_pack
):
    assert is_waiting_for_original(approved_order)
    assert available(pom_pack) == 48
    deadline = approved_order.review_deadline
    assert expire_overdue_orders(now=deadline - datetime.timedelta(seconds=1)) == 0

    assert list(list_orders_due_for_expiry(now=deadline)) == [approved_order]
    assert expire_overdue_orders(now=deadline) == 1

    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.CANCELLED
    assert available(pom_pack) == 50
    assert Pack.objects.get(pk=pom_pack.pk).allocated_quantity == 0
    event = approved_order.events.latest("pk")
    assert (event.from_status, event.to_status, event.actor) == (OrderStatus.APPROVED, OrderStatus.CANCELLED, None)
    assert "original prescription did not reach us" in event.reason
    assert OutboxMessage.objects.filter(order=approved_order, kind=MessageKind.ORDER_EXPIRED).exists()
    assert expire_overdue_orders(now=deadline) == 0  # idempotent


def test_an_order_whose_paper_original_was_recorded_does_not_expire(approved_order, pharmacist, pom_pack):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=True)

    assert expire_overdue_orders(now=approved_order.review_deadline + datetime.timedelta(days=30)) == 0
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert available(pom_pack) == 48


def test_an_order_with_a_verified_electronic_prescription_does_not_expire(approved_order, pharmacist, pom_pack):
    record_electronic_verified(prescription=approved_order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(approved_order.prescription))

    assert not list_orders_due_for_expiry(now=approved_order.review_deadline + datetime.timedelta(days=30))
    assert expire_overdue_orders(now=approved_order.review_deadline + datetime.timedelta(days=30)) == 0
    assert Order.objects.get(pk=approved_order.pk).status == OrderStatus.APPROVED
    assert available(pom_pack) == 48


def test_an_approved_general_sale_order_never_expires(user, gsl_pack):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="g")
    Order.objects.filter(pk=order.pk).update(review_deadline=timezone.now() - datetime.timedelta(days=1))
    assert expire_overdue_orders() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED


def test_a_pharmacist_extends_the_deadline_of_an_order_waiting_for_its_original(approved_order, pharmacist):
    old = approved_order.review_deadline
    extend_review_deadline(order=approved_order, pharmacist=pharmacist, until=old + datetime.timedelta(days=7),
                           reason="The shopper says the original is in the post.")

    assert expire_overdue_orders(now=old) == 0
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert approved_order.review_deadline == old + datetime.timedelta(days=7)
    assert "in the post" in approved_order.events.latest("pk").reason
    assert expire_overdue_orders(now=old + datetime.timedelta(days=7)) == 1


def test_the_api_extends_the_deadline_of_an_approved_order(approved_order, pharmacist_client):
    until = approved_order.review_deadline + datetime.timedelta(days=5)
    response = pharmacist_client.post(
        f"/api/v1/pharmacist/orders/{approved_order.number}/deadline/",
        {"until": until.isoformat(), "reason": "Original posted on Monday."}, format="json",
    )
    assert response.status_code == 200, response.content
    assert Order.objects.get(pk=approved_order.pk).review_deadline == until


# --- The register names the batch and the patient ----------------------------------------------------


def test_the_register_row_names_the_batch_fefo_picked_and_the_patient(user, pharmacist, staff):
    product = ProductFactory(name="Presolol tablets", slug="presolol-fefo", legal_category="prescription")
    pack = PackFactory(product=product, sku="PRES-FEFO", pack_size=28, stock_quantity=0)
    today = timezone.localdate()
    StockBatchFactory(pack=pack, batch_number="LATE", expiry_date=today + datetime.timedelta(days=400),
                      quantity_on_hand=10)
    StockBatchFactory(pack=pack, batch_number="SOON", expiry_date=today + datetime.timedelta(days=120),
                      quantity_on_hand=5)
    order = place_order(
        user=user, cart=cart_with(user, (pack, 2)), details=details(), idempotency_key="reg",
        prescription=uploaded_prescription(user),
        patient=PatientDetails(name="Sam Shopper", date_of_birth=datetime.date(2001, 5, 4), is_account_holder=False),
    )
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pack, 56)))
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=True)

    dispatch_order(order=order, actor=staff)

    entry = RegisterEntry.objects.get()
    assert entry.batch == f"SOON (exp. {today + datetime.timedelta(days=120):%Y-%m-%d})"
    assert entry.patient_name == "Sam Shopper"
    assert entry.patient_address.startswith("1 High Street, Leeds")


def test_a_line_supplied_from_two_batches_names_both_in_the_register(user, pharmacist, staff):
    product = ProductFactory(name="Presolol tablets", slug="presolol-two", legal_category="prescription")
    pack = PackFactory(product=product, sku="PRES-TWO", pack_size=28, stock_quantity=0)
    today = timezone.localdate()
    soon, late = today + datetime.timedelta(days=100), today + datetime.timedelta(days=300)
    StockBatchFactory(pack=pack, batch_number="A1", expiry_date=soon, quantity_on_hand=1)
    StockBatchFactory(pack=pack, batch_number="B2", expiry_date=late, quantity_on_hand=5)
    order = place_order(user=user, cart=cart_with(user, (pack, 3)), details=details(), idempotency_key="two",
                        prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pack, 84)))
    record_electronic_verified(prescription=order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(order.prescription))

    dispatch_order(order=order, actor=staff)

    assert RegisterEntry.objects.get().batch == f"A1 (exp. {soon:%Y-%m-%d}) × 1, B2 (exp. {late:%Y-%m-%d}) × 2"


# --- A reopened review ------------------------------------------------------------------------------


def test_a_reopened_order_is_in_the_queue_and_can_be_approved_and_dispatched_again(
    approved_order, pharmacist, pom_pack, staff, client
):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=False,
                             note="The original is for 84 tablets, not 168.")
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.AWAITING_REVIEW
    assert approved_order.lines.get().decision == LineDecision.PENDING
    assert approved_order.waiting_reason == "Waiting because a pharmacist must check your prescription."
    assert list(list_orders_awaiting_review()) == [approved_order]
    client.force_login(pharmacist)
    queue = client.get(reverse("admin:dispensing_orderawaitingreview_changelist"))
    assert queue.status_code == 200 and approved_order.number in queue.content.decode()

    # The pharmacist approves again from the corrected prescription (a fresh dispensing record) ...
    order = approve_order(order=approved_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    assert order.status == OrderStatus.APPROVED
    assert order.prescription.status == PrescriptionStatus.APPROVED
    assert order.lines.get().decision == LineDecision.APPROVED
    assert order.prescription_approved_by == pharmacist
    assert list(list_orders_awaiting_review()) == []
    # ... it waits for a matching original again, and then goes out.
    assert is_waiting_for_original(order)
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=True,
                             note="Corrected original received.")
    assert dispatch_order(order=order, actor=staff).status == OrderStatus.DISPATCHED
    assert [(e.from_status, e.to_status) for e in order.events.order_by("pk")][-3:] == [
        (OrderStatus.APPROVED, OrderStatus.AWAITING_REVIEW), (OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED),
        (OrderStatus.APPROVED, OrderStatus.DISPATCHED)]
