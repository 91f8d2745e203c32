"""The order's status pipeline. Every change goes through `_transition`, which checks the table
below and writes the audit event; the prescription gate is also a database constraint.

    awaiting_prescription_review -> approved -> dispatched -> delivered
            |                         |
            +-> rejected              +-> cancelled   (and awaiting -> cancelled)
"""

from django.db import transaction
from django.utils import timezone

from catalog.services import release_stock

from ..exceptions import InvalidOrderTransition, NotAllowed
from ..locks import order_for_update, prescription_for_update
from ..models import MessageKind, Order, OrderEvent, OrderStatus, PrescriptionStatus
from .coverage import check_not_expired, check_prescription_covers
from .notifications import record_message
from .prescriptions import DispensingRecord, approve_prescription, ensure_pharmacist, reject_prescription
from .release_checks import check_may_approve, check_may_dispatch, record_approver_registration, record_supply

S = OrderStatus
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_PRESCRIPTION_REVIEW: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.APPROVED: {S.DISPATCHED, S.CANCELLED},
    S.DISPATCHED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.REJECTED: set(),
    S.CANCELLED: set(),
}


def _transition(*, order: Order, to_status: str, actor, reason: str = "") -> Order:
    if to_status not in ALLOWED_TRANSITIONS[order.status]:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()} and cannot become "
            f"{S(to_status).label.lower()}.",
            field="status", current_status=order.status,
        )
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status", "prescription_approved_by", "prescription_approved_at", "updated_at"])
    OrderEvent.objects.create(order=order, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
    return order


def _return_stock(order: Order) -> None:
    quantities: dict[int, int] = {}
    for pack_id, quantity in order.lines.values_list("pack_id", "quantity"):
        quantities[pack_id] = quantities.get(pack_id, 0) + quantity
    release_stock(quantities=quantities)


@transaction.atomic
def approve_order(*, order: Order, pharmacist, record: DispensingRecord | None = None, note: str = "") -> Order:
    """The pharmacist's release of an order that holds prescription-only medicines.

    If the order's prescription is still only submitted, `record` (the dispensing record) approves
    it in the same transaction. Refused if the prescription has expired or authorises less than the
    order holds.
    """
    ensure_pharmacist(pharmacist)
    profile = check_may_approve(order=order, pharmacist=pharmacist)  # registration, own order, RP (issue 8.3, 8.5)
    order = order_for_update(order_id=order.pk)
    if order.status != S.AWAITING_PRESCRIPTION_REVIEW:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()}, not awaiting review.", field="status"
        )
    prescription = prescription_for_update(prescription_id=order.prescription_id)
    if prescription.status == PrescriptionStatus.SUBMITTED:
        if record is None:
            raise InvalidOrderTransition(
                "Record the prescription's dispensing details to approve it.", field="prescription"
            )
        prescription = approve_prescription(prescription=prescription, pharmacist=pharmacist, record=record)
    elif prescription.status == PrescriptionStatus.REJECTED:
        raise InvalidOrderTransition("The order's prescription was rejected; reject the order.", field="prescription")
    check_not_expired(prescription)
    lines = order.lines.select_related("pack__product").prefetch_related("pack__strengths__ingredient")
    check_prescription_covers(prescription=prescription, lines=lines, exclude_order_id=order.pk)
    order.prescription_approved_by = pharmacist
    order.prescription_approved_at = timezone.now()
    _transition(order=order, to_status=S.APPROVED, actor=pharmacist, reason=note or "Prescription approved.")
    record_approver_registration(order=order, profile=profile)
    record_message(order=order, kind=MessageKind.ORDER_APPROVED)
    return order


@transaction.atomic
def reject_order(*, order: Order, pharmacist, reason: str) -> Order:
    """The pharmacist refuses to supply. The stock goes back; the shopper is told why."""
    ensure_pharmacist(pharmacist)
    if not reason or not reason.strip():
        raise InvalidOrderTransition("Give the reason for rejecting the order; the shopper will see it.",
                                     field="reason")
    order = order_for_update(order_id=order.pk)
    if order.status != S.AWAITING_PRESCRIPTION_REVIEW:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()}, not awaiting review.", field="status"
        )
    if order.prescription_id:
        prescription = prescription_for_update(prescription_id=order.prescription_id)
        if prescription.status == PrescriptionStatus.SUBMITTED:
            reject_prescription(prescription=prescription, pharmacist=pharmacist, reason=reason)
    _transition(order=order, to_status=S.REJECTED, actor=pharmacist, reason=reason.strip())
    _return_stock(order)
    record_message(order=order, kind=MessageKind.ORDER_REJECTED)
    return order


@transaction.atomic
def cancel_order(*, order: Order, actor, reason: str = "") -> Order:
    """The shopper may cancel their own order before dispatch; so may staff. The stock goes back."""
    order = order_for_update(order_id=order.pk)
    if not (actor.is_staff or order.user_id == actor.pk):
        raise NotAllowed("You can only cancel your own orders.")
    if order.status not in (S.AWAITING_PRESCRIPTION_REVIEW, S.APPROVED):
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()} and can no longer be cancelled.",
            field="status",
        )
    _transition(order=order, to_status=S.CANCELLED, actor=actor,
                reason=reason.strip() or ("Cancelled by staff." if actor.pk != order.user_id else "Cancelled by you."))
    _return_stock(order)
    record_message(order=order, kind=MessageKind.ORDER_CANCELLED)
    return order


@transaction.atomic
def dispatch_order(*, order: Order, actor, note: str = "") -> Order:
    if not actor.is_staff:
        raise NotAllowed("Only pharmacy staff can dispatch orders.")
    order = order_for_update(order_id=order.pk)
    check_may_dispatch(order=order, actor=actor)  # expiry, coverage by snapshots, original in hand, RP (issue 8)
    if order.requires_prescription and order.prescription_approved_by_id is None:
        # Unreachable through the table above; kept because dispatching unchecked medicine is the worst failure.
        raise InvalidOrderTransition("A pharmacist has not approved this order's prescription.", field="status")
    _transition(order=order, to_status=S.DISPATCHED, actor=actor, reason=note or "Dispatched.")
    record_supply(order=order, actor=actor)  # the prescription register (issue 8.5)
    record_message(order=order, kind=MessageKind.ORDER_DISPATCHED)
    return order


@transaction.atomic
def mark_order_delivered(*, order: Order, actor, note: str = "") -> Order:
    if not actor.is_staff:
        raise NotAllowed("Only pharmacy staff can record a delivery.")
    order = order_for_update(order_id=order.pk)
    return _transition(order=order, to_status=S.DELIVERED, actor=actor, reason=note or "Delivered.")
