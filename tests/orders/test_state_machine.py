"""The order state machine: every allowed and every refused transition of the one table, and the
database refusing to release a P or POM order without a pharmacist's decision."""

import itertools
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from checkout.services import place_order
from orders.exceptions import InvalidOrderTransition
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import ALLOWED_TRANSITIONS as REEXPORTED_TABLE
from orders.state_machine import (
    ALLOWED_TRANSITIONS,
    FINAL_STATES,
    apply_transition,
    apply_transition_if_unchanged,
    can_transition,
)
from tests.builders.orders import cart_with, details, uploaded_prescription

pytestmark = pytest.mark.django_db

EXPECTED = {
    (OrderStatus.AWAITING_PAYMENT, OrderStatus.AWAITING_REVIEW),
    (OrderStatus.AWAITING_PAYMENT, OrderStatus.APPROVED),
    (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED),
    (OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED),
    (OrderStatus.AWAITING_REVIEW, OrderStatus.REJECTED),
    (OrderStatus.AWAITING_REVIEW, OrderStatus.CANCELLED),
    (OrderStatus.AWAITING_REVIEW, OrderStatus.AWAITING_PAYMENT),
    (OrderStatus.APPROVED, OrderStatus.DISPATCHED),
    (OrderStatus.APPROVED, OrderStatus.CANCELLED),
    (OrderStatus.APPROVED, OrderStatus.AWAITING_REVIEW),
    (OrderStatus.APPROVED, OrderStatus.AWAITING_PAYMENT),
    (OrderStatus.DISPATCHED, OrderStatus.DELIVERED),
}
ALL_PAIRS = list(itertools.product(OrderStatus.values, OrderStatus.values))


def test_the_table_is_exactly_the_documented_pipeline_and_has_every_state():
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus.values)
    assert {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets} == EXPECTED
    assert REEXPORTED_TABLE is ALLOWED_TRANSITIONS
    assert FINAL_STATES == {OrderStatus.DELIVERED, OrderStatus.REJECTED, OrderStatus.CANCELLED}


@pytest.fixture
def order_in(user, gsl_pack, pharmacist):
    """An order put straight into a state (a general-sale order: no pharmacist constraint applies)."""
    def build(status: str) -> Order:
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(),
                            idempotency_key=f"k-{status}-{Order.objects.count()}")
        Order.objects.filter(pk=order.pk).update(status=status)
        return Order.objects.get(pk=order.pk)
    return build


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_apply_transition_allows_exactly_the_table(order_in, pharmacist, from_status, to_status):
    order = order_in(from_status)
    events_before = OrderEvent.objects.filter(order=order).count()
    if (from_status, to_status) in EXPECTED:
        assert can_transition(from_status=from_status, to_status=to_status)
        apply_transition(order=order, to_status=to_status, actor=pharmacist, reason="why")
        order.refresh_from_db()
        assert order.status == to_status
        event = OrderEvent.objects.filter(order=order).latest("pk")
        assert (event.from_status, event.to_status, event.actor, event.reason) == (
            from_status, to_status, pharmacist, "why")
    else:
        assert not can_transition(from_status=from_status, to_status=to_status)
        with pytest.raises(InvalidOrderTransition) as refusal:
            apply_transition(order=order, to_status=to_status, actor=pharmacist, reason="why")
        assert refusal.value.code == "invalid_order_transition"
        assert OrderStatus(from_status).label.lower() in refusal.value.message
        order.refresh_from_db()
        assert order.status == from_status
        assert OrderEvent.objects.filter(order=order).count() == events_before


@pytest.mark.postgres
@pytest.mark.parametrize("released", [OrderStatus.APPROVED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED])
def test_database_refuses_to_release_an_order_needing_a_pharmacist_without_one(user, gsl_pack, released):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.AWAITING_REVIEW, requires_pharmacist=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status=released)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_REVIEW


@pytest.mark.postgres
def test_database_lets_a_pharmacist_release_a_p_order_without_a_prescription(user, gsl_pack, pharmacist):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.AWAITING_REVIEW, requires_pharmacist=True)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.APPROVED, released_by=pharmacist)
    assert Order.objects.get(pk=order.pk).prescription_id is None


@pytest.mark.postgres
def test_database_still_refuses_a_pom_order_released_by_a_pharmacist_without_prescription_approval(
    user, pom_pack, pharmacist
):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    assert (order.status, order.requires_pharmacist, order.requires_prescription) == (
        OrderStatus.AWAITING_REVIEW, True, True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.APPROVED, released_by=pharmacist)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_REVIEW


def test_a_move_if_unchanged_writes_its_changes_only_while_the_order_is_as_read(order_in, pharmacist):
    deadline = datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)
    unreleased, released, moved_on = (order_in(OrderStatus.AWAITING_PAYMENT) for _ in range(3))
    Order.objects.filter(pk=released.pk).update(released_by=pharmacist)
    released.refresh_from_db()
    Order.objects.filter(pk=moved_on.pk).update(status=OrderStatus.CANCELLED)  # meanwhile, unknown to the caller

    for order, deadline_given in ((unreleased, deadline), (released, None)):
        assert apply_transition_if_unchanged(order=order, to_status=OrderStatus.APPROVED, actor=pharmacist,
                                             reason="paid", review_deadline=deadline_given)
        stored = Order.objects.get(pk=order.pk)
        assert (stored.status, stored.review_deadline, stored.updated_at) == (
            OrderStatus.APPROVED, deadline_given, order.updated_at)
        assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.APPROVED, reason="paid").count() == 1
    assert not apply_transition_if_unchanged(order=moved_on, to_status=OrderStatus.APPROVED, actor=pharmacist,
                                             review_deadline=deadline)
    assert Order.objects.get(pk=moved_on.pk).status == OrderStatus.CANCELLED
    assert moved_on.status == OrderStatus.AWAITING_PAYMENT  # nothing written, nothing set
