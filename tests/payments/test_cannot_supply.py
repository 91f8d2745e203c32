"""Approved orders that can no longer be supplied: a recall leaves an order in the admin's "cannot
supply" queue with a deadline; staff supply less (the shortfall refunded on the gateway) or cancel and
refund, each recorded in the order's history and e-mailed to the shopper; at the deadline it is
cancelled and refunded."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dispensing.batches import recall_pack_batches
from dispensing.expiry import expire_overdue_orders
from dispensing.supply import list_orders_that_cannot_be_supplied
from orders.models import MessageKind, OrderStatus
from payments.models import PaymentStatus
from tests.builders.payments import checkout, on_gateway
from tests.factories import PackFactory, StockBatchFactory

pytestmark = pytest.mark.django_db
S, P = OrderStatus, PaymentStatus


@pytest.fixture
def plasters(db):
    """£2.00 a box: 1 box in batch GOOD, 10 in batch BAD (which will be recalled)."""
    pack = PackFactory(price_amount=Decimal("2.00"), stock_quantity=0)
    soon = timezone.localdate() + datetime.timedelta(days=400)
    StockBatchFactory(pack=pack, batch_number="GOOD", expiry_date=soon + datetime.timedelta(days=100),
                      quantity_on_hand=1)
    StockBatchFactory(pack=pack, batch_number="BAD", expiry_date=soon, quantity_on_hand=10)
    return pack


@pytest.fixture
def paid_order(user, gsl_pack, plasters, payments_on, django_capture_on_commit_callbacks):
    """1 × gsl_pack (£3.49) and 2 boxes of plasters (£4.00): approved and captured at checkout."""
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (gsl_pack, 1), (plasters, 2), payment_method="4242424242424242")
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.amount_captured) == (S.APPROVED, P.CAPTURED, Decimal("7.49"))
    return order, payment


def recall_bad(plasters):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # the queue is filled once the recall commits
        recall_pack_batches(pack=plasters, batch_numbers=["BAD"], reason="MHRA drug alert (test)")


def test_a_recall_leaves_the_approved_order_in_the_cannot_supply_queue_with_a_deadline(
        client, pharmacist, paid_order, plasters):
    order, _ = paid_order

    recall_bad(plasters)

    order.refresh_from_db()
    assert order.status == S.APPROVED
    assert order.cannot_supply_since is not None
    assert order.review_deadline == order.cannot_supply_since + datetime.timedelta(days=3)
    assert "2 needed but only 1 in batches" in order.cannot_supply_reason
    assert "Cannot be supplied" in order.events.last().reason
    client.force_login(pharmacist)
    queue = client.get(reverse("admin:dispensing_ordercannotsupply_changelist"))
    assert queue.status_code == 200
    assert order.number in queue.content.decode()
    assert list(list_orders_that_cannot_be_supplied()) == [order]


def test_supply_less_in_the_admin_dispatches_the_rest_and_refunds_the_difference_on_the_gateway(
        client, pharmacist, paid_order, plasters, gsl_pack, django_capture_on_commit_callbacks):
    order, payment = paid_order
    recall_bad(plasters)
    plaster_line = order.lines.get(pack=plasters)
    other_line = order.lines.get(pack=gsl_pack)
    client.force_login(pharmacist)
    url = reverse("admin:dispensing_ordercannotsupply_resolve", args=[order.pk])
    assert "2 needed but only 1" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"_supply_less": "1", f"supply-line_{plaster_line.pk}": "1",
                                     f"supply-line_{other_line.pk}": "1",
                                     "supply-reason": "One box was in a recalled batch."})

    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    plaster_line.refresh_from_db()
    assert order.status == S.DISPATCHED
    assert (plaster_line.quantity, plaster_line.quantity_not_supplied) == (2, 1)
    assert [batch.batch_number for batch in plaster_line.batches.all()] == ["GOOD"]
    assert (payment.amount_captured, payment.amount_refunded) == (Decimal("7.49"), Decimal("2.00"))
    assert on_gateway(payment) == ("captured", 549)
    assert "Supplied less: 1 ×" in " ".join(order.events.values_list("reason", flat=True))
    assert order.messages.filter(kind=MessageKind.ORDER_SUPPLIED_LESS).exists()
    sent = [email for email in mail.outbox if "could not be supplied" in email.subject]
    assert len(sent) == 1 and re.search(r"Item \d: 1 not sent", sent[0].body)
    assert plaster_line.product_name not in sent[0].body  # no medicine is named in an e-mail


def test_cancel_and_refund_in_the_admin_refunds_everything(
        client, pharmacist, paid_order, plasters, django_capture_on_commit_callbacks):
    order, payment = paid_order
    recall_bad(plasters)
    client.force_login(pharmacist)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:dispensing_ordercannotsupply_resolve", args=[order.pk]),
                               {"_cancel": "1", "cancel-reason": "The plasters were recalled."})

    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.CANCELLED
    assert "The plasters were recalled." in order.events.last().reason
    assert (payment.status, payment.amount_refunded) == (P.REFUNDED, Decimal("7.49"))
    assert on_gateway(payment) == ("captured", 0)
    assert order.messages.filter(kind=MessageKind.ORDER_CANCELLED).exists()


def test_an_order_left_in_the_queue_is_cancelled_and_refunded_at_its_deadline(
        paid_order, plasters, django_capture_on_commit_callbacks):
    order, payment = paid_order
    recall_bad(plasters)
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_overdue_orders(now=order.review_deadline) == 1

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.CANCELLED
    assert "could not supply it by its deadline" in order.events.last().reason
    assert on_gateway(payment) == ("captured", 0)


def test_supply_less_cannot_send_nothing(client, pharmacist, paid_order, plasters, gsl_pack):
    order, payment = paid_order
    recall_bad(plasters)
    client.force_login(pharmacist)
    lines = {line.pack_id: line.pk for line in order.lines.all()}

    page = client.post(reverse("admin:dispensing_ordercannotsupply_resolve", args=[order.pk]),
                       {"_supply_less": "1", f"supply-line_{lines[plasters.pk]}": "0",
                        f"supply-line_{lines[gsl_pack.pk]}": "0", "supply-reason": "None left."}, follow=True)

    assert "cancel and refund the order instead" in page.content.decode()
    order.refresh_from_db()
    assert (order.status, order.lines.get(pack=plasters).quantity_not_supplied) == (S.APPROVED, 0)
