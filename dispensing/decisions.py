"""The pharmacist's decision on a single pharmacy-only (P) line, from the shopper's consultation answers.

Prescription-only (POM) lines are decided with their prescription (`approve_order` / `reject_order`).
Once no line is pending the order moves on: approved when something is left to supply, rejected when
every line was refused. A refused line gives its stock back at once, and the shopper is told why.
"""

from django.db import transaction
from django.utils import timezone

from catalog.models import LegalCategory
from catalog.services import release_stock
from clinical import services as clinical_checks
from clinical.checks import ClinicalOverride
from notifications.services import record_message
from orders.exceptions import InvalidOrderTransition, LineDecisionNotAllowed
from orders.locks import order_for_update
from orders.models import LineDecision, MessageKind, Order, OrderLine, OrderStatus
from orders.refusals import check_refusal_reason, staff_note
from orders.services.order_amounts import reprice_without_refused_lines
from orders.state_machine import apply_transition
from prescriptions.services.prescriptions import ensure_pharmacist

from .release_checks import check_may_approve, ensure_registered_pharmacist, record_approver_registration


def _locked_pending_p_line(*, line: OrderLine, pharmacist) -> tuple[Order, OrderLine]:
    ensure_pharmacist(pharmacist)
    check_may_approve(order=line.order, pharmacist=pharmacist)  # registration, own order, RP
    order = order_for_update(order_id=line.order_id)
    line = OrderLine.objects.get(pk=line.pk)
    if order.status != OrderStatus.AWAITING_REVIEW:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()}, not awaiting review.", field="status"
        )
    if line.legal_category != LegalCategory.PHARMACY:
        raise LineDecisionNotAllowed(
            f"{line.description} is not a pharmacy-only medicine: "
            + (
                "decide it with the prescription (approve or reject the order)."
                if line.legal_category == LegalCategory.PRESCRIPTION
                else "it needs no pharmacist's decision."
            ),
            field="line",
            line_id=line.pk,
        )
    if line.decision != LineDecision.PENDING:
        raise LineDecisionNotAllowed(
            f"{line.description} was already {line.get_decision_display().lower()}.", field="line", line_id=line.pk
        )
    return order, line


def _settle(*, order: Order, pharmacist, override: ClinicalOverride | None) -> None:
    """After a decision: move the order on once no line is pending. Before it moves to approved, the
    clinical checks run again on the whole order: an alert on lines decided earlier, or raised since
    (a supply in the meantime), needs its override too."""
    decisions = list(order.lines.values_list("decision", flat=True))
    if LineDecision.PENDING in decisions:
        return
    if all(decision == LineDecision.REFUSED for decision in decisions):
        apply_transition(
            order=order,
            to_status=OrderStatus.REJECTED,
            actor=pharmacist,
            reason="The pharmacist refused every item in the order.",
        )
        record_message(order=order, kind=MessageKind.ORDER_REJECTED)
        return
    clinical_checks.check_approval(order=order, pharmacist=pharmacist, override=override)
    order.released_by = pharmacist
    apply_transition(order=order, to_status=OrderStatus.APPROVED, actor=pharmacist, reason="Approved by pharmacist.")
    record_approver_registration(order=order, profile=ensure_registered_pharmacist(pharmacist))
    record_message(order=order, kind=MessageKind.ORDER_APPROVED)


@transaction.atomic
def approve_order_line(
    *, line: OrderLine, pharmacist, reason: str = "", override: ClinicalOverride | None = None
) -> OrderLine:
    """The pharmacist approves a P line after reading the consultation answers. A major or contraindicated
    clinical alert involving the line (whichever line it was raised on) needs `override` (reason,
    prescriber contacted), recorded on the alert."""
    order, line = _locked_pending_p_line(line=line, pharmacist=pharmacist)
    clinical_checks.check_approval(order=order, pharmacist=pharmacist, override=override, line=line)
    line.decision = LineDecision.APPROVED
    line.decision_reason = reason.strip() or "Consultation answers reviewed."
    line.decided_by = pharmacist
    line.decided_at = timezone.now()
    line.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    _settle(order=order, pharmacist=pharmacist, override=override)
    return line


@transaction.atomic
def refuse_order_line(
    *, line: OrderLine, pharmacist, reason: str, note: str = "", override: ClinicalOverride | None = None
) -> OrderLine:
    """The pharmacist refuses a P line. The shopper is told `reason`, a code from the fixed list
    (orders.refusals); `note` is for staff only. Its stock goes back at once; the rest of the order goes
    on (a partial refusal), or the order is rejected when nothing is left. Every refusal is e-mailed.
    When the refusal leaves the rest approved, an alert still standing on it needs `override`."""
    reason = check_refusal_reason(reason)
    order, line = _locked_pending_p_line(line=line, pharmacist=pharmacist)
    line.decision = LineDecision.REFUSED
    line.decision_reason = staff_note(note, reason)
    line.refusal_code = reason
    line.decided_by = pharmacist
    line.decided_at = timezone.now()
    line.save(update_fields=["decision", "decision_reason", "refusal_code", "decided_by", "decided_at"])
    release_stock(quantities={line.pack_id: line.quantity})
    reprice_without_refused_lines(order=order)
    record_message(order=order, kind=MessageKind.ORDER_LINES_REFUSED)
    _settle(order=order, pharmacist=pharmacist, override=override)
    return line
