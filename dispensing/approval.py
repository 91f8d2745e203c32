"""The pharmacist's release or refusal of an order awaiting review, and its dispatch. The table of allowed
moves, and the one function applying it, are in orders.state_machine; the prescription gate and the
pharmacist's release are also database constraints.
"""

from django.db import transaction
from django.utils import timezone

from clinical import services as clinical_checks
from clinical.checks import ClinicalOverride
from notifications.services import record_message
from orders.exceptions import InvalidOrderTransition
from orders.locks import order_for_update
from orders.models import LineDecision, MessageKind, Order, OrderStatus
from orders.refusals import check_refusal_reason, staff_note
from orders.services.pipeline import return_stock
from orders.services.staff import ensure_may_change_orders
from orders.state_machine import apply_transition
from prescriptions.locks import prescription_for_update
from prescriptions.models import PrescriptionStatus
from prescriptions.services.coverage import check_not_expired, check_prescription_covers
from prescriptions.services.patient import check_order_against_prescription
from prescriptions.services.prescriptions import (
    DispensingRecord,
    approve_prescription,
    ensure_pharmacist,
    reject_prescription,
)
from prescriptions.services.repeats import ensure_issue_for_order

from .batches import supply_order_batches
from .release_checks import check_may_approve, record_approver_registration, record_supply
from .release_gate import check_release

__all__ = ["approve_order", "dispatch_order", "reject_order"]


def _check_awaiting_review(order: Order) -> None:
    if order.status != OrderStatus.AWAITING_REVIEW:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()}, not awaiting review.", field="status"
        )


def _decide_pending_lines(
    *, order: Order, pharmacist, decision: str, reason: str, refusal_code: str = "", categories=None
) -> None:
    lines = order.lines.filter(decision=LineDecision.PENDING)
    if categories is not None:
        lines = lines.filter(legal_category__in=categories)
    lines.update(
        decision=decision,
        decision_reason=reason,
        refusal_code=refusal_code,
        decided_by=pharmacist,
        decided_at=timezone.now(),
    )


@transaction.atomic
def approve_order(
    *,
    order: Order,
    pharmacist,
    record: DispensingRecord | None = None,
    note: str = "",
    override: ClinicalOverride | None = None,
) -> Order:
    """The pharmacist's release of an order awaiting review: every line still pending is approved.

    For an order with prescription-only lines: if its prescription is still only submitted, `record` (the
    dispensing record) approves it in the same transaction. Refused if the prescription has expired or
    authorises less than the order holds. An order of pharmacy-only (P) lines has no prescription: the
    pharmacist's decision alone releases it (to refuse single P lines, see `refuse_order_line`).
    The clinical checks run again with the recorded directions; a major or contraindicated alert needs
    `override` (a reason, and whether the prescriber was contacted), recorded on the alert.
    """
    ensure_pharmacist(pharmacist)
    profile = check_may_approve(order=order, pharmacist=pharmacist)  # registration, own order, RP
    order = order_for_update(order_id=order.pk)
    _check_awaiting_review(order)
    reason = note.strip() or ("Prescription approved." if order.requires_prescription else "Approved by pharmacist.")
    if order.requires_prescription:
        _approve_prescription_of(order=order, pharmacist=pharmacist, record=record)
        order.prescription_approved_by = pharmacist
        order.prescription_approved_at = timezone.now()
    clinical_checks.check_approval(order=order, pharmacist=pharmacist, override=override)
    _decide_pending_lines(order=order, pharmacist=pharmacist, decision=LineDecision.APPROVED, reason=reason)
    order.released_by = pharmacist
    apply_transition(order=order, to_status=OrderStatus.APPROVED, actor=pharmacist, reason=reason)
    record_approver_registration(order=order, profile=profile)
    record_message(order=order, kind=MessageKind.ORDER_APPROVED)
    return order


def _approve_prescription_of(*, order: Order, pharmacist, record: DispensingRecord | None) -> None:
    prescription = prescription_for_update(prescription_id=order.prescription_id)
    if prescription.status == PrescriptionStatus.SUBMITTED:
        if record is None:
            raise InvalidOrderTransition(
                "Record the prescription's dispensing details to approve it.", field="prescription"
            )
        prescription = approve_prescription(
            prescription=prescription, pharmacist=pharmacist, record=record, order=order
        )
    elif prescription.status == PrescriptionStatus.REJECTED:
        raise InvalidOrderTransition("The order's prescription was rejected; reject the order.", field="prescription")
    check_order_against_prescription(prescription=prescription, order=order)  # a repeat: the same patient
    ensure_issue_for_order(prescription=prescription, order=order)  # a repeatable one: this supply is an issue
    check_not_expired(prescription, order=order)
    lines = order.lines.select_related("pack__product").prefetch_related("pack__strengths__ingredient")
    check_prescription_covers(prescription=prescription, lines=lines, exclude_order_id=order.pk)


@transaction.atomic
def reject_order(*, order: Order, pharmacist, reason: str, note: str = "") -> Order:
    """The pharmacist refuses to supply. The stock goes back; the shopper is told `reason`, a code from
    the fixed list (orders.refusals), and e-mailed to see their order page; `note` is for staff only."""
    ensure_pharmacist(pharmacist)
    reason = check_refusal_reason(reason)
    order = order_for_update(order_id=order.pk)
    _check_awaiting_review(order)
    if order.prescription_id:
        prescription = prescription_for_update(prescription_id=order.prescription_id)
        if prescription.status == PrescriptionStatus.SUBMITTED:
            reject_prescription(prescription=prescription, pharmacist=pharmacist, reason=reason, note=note)
    return_stock(order)
    _decide_pending_lines(
        order=order,
        pharmacist=pharmacist,
        decision=LineDecision.REFUSED,
        reason=staff_note(note, reason),
        refusal_code=reason,
    )
    apply_transition(order=order, to_status=OrderStatus.REJECTED, actor=pharmacist, reason=staff_note(note, reason))
    record_message(order=order, kind=MessageKind.ORDER_REJECTED)
    return order


@transaction.atomic
def dispatch_order(*, order: Order, actor, note: str = "") -> Order:
    """Send an approved order. The release gate (release_gate.py) decides: it refuses, naming every
    unmet condition, unless decisions, payment, prescription, batches, RP and clinical alerts all hold."""
    ensure_may_change_orders(actor, doing="dispatch orders")
    order = order_for_update(order_id=order.pk)
    if order.status == OrderStatus.APPROVED:  # any other state is the state machine's to refuse, below
        check_release(order=order)
    if order.requires_prescription and order.prescription_approved_by_id is None:
        # Unreachable through the table above; kept because dispatching unchecked medicine is the worst failure.
        raise InvalidOrderTransition("A pharmacist has not approved this order's prescription.", field="status")
    order.cannot_supply_since, order.cannot_supply_reason = None, ""  # sent after all: out of that queue
    apply_transition(order=order, to_status=OrderStatus.DISPATCHED, actor=actor, reason=note or "Dispatched.")
    supply_order_batches(order=order)  # first-expiry-first-out; a shortfall refuses and rolls all back
    record_supply(order=order, actor=actor)  # the prescription register
    record_message(order=order, kind=MessageKind.ORDER_DISPATCHED)
    return order
