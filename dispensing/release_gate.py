"""The release gate: the one function that decides whether an order's medicines may leave the pharmacy.

Every path to supply goes through `check_release` (approval.dispatch_order calls it, and
dispatch from the admin, the API and any task calls dispatch_order). It refuses, naming every unmet
condition rather than the first, unless all of these hold for what is being sent:

- every P and POM line has a pharmacist's decision (and the order was released by one);
- the payment is captured for the amount payable, or nothing is payable;
- the prescription, for prescription-only lines, is valid today, covers the lines, and its original is in
  hand (a checked paper original, or a verified electronic prescription);
- every line can be supplied from real batches: in date past the margin, not recalled, and for P and POM
  lines never the LEGACY placeholder (first-expiry-first-out, as dispatch will pick them);
- a responsible pharmacist is signed in, when a P or POM line is sent;
- no major or contraindicated clinical alert is left without a pharmacist's override.

`release_blockers` answers the same question without raising, for the staff queues: each unmet condition
as a code and a message, and whether time alone will fix it (`lasting`: the order cannot be supplied as
it stands; see orders.services.supply).
"""

from dataclasses import dataclass

from catalog.models import LegalCategory, Pack
from catalog.services import batch_shortfall_message, find_batch_shortfalls
from clinical.models import OrderAlert
from clinical.rule_table import Severity
from orders.models import LineDecision, Order, OrderLine
from payments.selectors import get_payment_standing
from pharmacy.exceptions import DomainError
from prescriptions.services.coverage import check_not_expired, check_prescription_covers
from prescriptions.services.originals import original_in_hand

from .batches import batch_needs, lines_to_supply
from .exceptions import ReleaseRefused
from .services import current_responsible_pharmacist

__all__ = ["BLOCKER_LABELS", "ReleaseBlocker", "blocker_label", "check_release", "release_blockers"]


@dataclass(frozen=True)
class ReleaseBlocker:
    code: str
    message: str
    lasting: bool = False  # time will not fix it: no original arriving or pharmacist signing in will help

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def release_blockers(order: Order) -> list[ReleaseBlocker]:
    """Every release condition `order` does not meet now, in a fixed order; empty when it may be sent."""
    lines = lines_to_supply(order)
    blockers = [
        *_decisions(order, lines),
        *_payment(order),
        *_prescription(order, lines),
        *_batches(lines),
        *_responsible_pharmacist(lines),
        *_clinical_alerts(order),
    ]
    return blockers


def check_release(*, order: Order) -> None:
    """Raises ReleaseRefused naming every unmet condition. Called by dispatch_order with the order locked."""
    blockers = release_blockers(order)
    if blockers:
        raise ReleaseRefused(
            f"Order {order.number} cannot be dispatched: " + " ".join(blocker.message for blocker in blockers),
            blockers=[blocker.as_dict() for blocker in blockers],
        )


def _decisions(order: Order, lines: list[OrderLine]) -> list[ReleaseBlocker]:
    undecided = [line for line in lines if line.needs_pharmacist and line.decision != LineDecision.APPROVED]
    if not undecided and not (order.requires_pharmacist and order.released_by_id is None):
        return []
    names = ", ".join(line.description for line in undecided) or "the order"
    return [
        ReleaseBlocker(
            "pharmacist_decision_missing", f"No pharmacist has approved {names}: send the order back to review."
        )
    ]


def _payment(order: Order) -> list[ReleaseBlocker]:
    standing = get_payment_standing(order)
    if standing.is_settled_for_supply:
        return []
    state = f" (the latest payment is {standing.latest_status})" if standing.latest_status else " (no payment)"
    return [
        ReleaseBlocker(
            "payment_not_captured",
            f"The payment is not captured: {standing.payable.amount} {standing.payable.currency} is due and "
            f"{standing.captured.amount} has been captured{state}. The card authorisation may have been "
            "cancelled or have lapsed at the gateway; nothing is sent before the money is taken.",
        )
    ]


def _prescription(order: Order, lines: list[OrderLine]) -> list[ReleaseBlocker]:
    if not order.requires_prescription and not any(line.legal_category == LegalCategory.PRESCRIPTION for line in lines):
        return []
    prescription = order.prescription
    if prescription is None:
        return [ReleaseBlocker("prescription_missing", "The order has no prescription.", lasting=True)]
    blockers = []
    try:
        check_not_expired(prescription, order=order)
    except DomainError as expired:
        blockers.append(
            ReleaseBlocker(expired.code, f"{expired.message} Ask the shopper for a new prescription.", lasting=True)
        )
    try:
        check_prescription_covers(prescription=prescription, lines=lines, exclude_order_id=order.pk)
    except DomainError as not_covering:
        blockers.append(ReleaseBlocker(not_covering.code, not_covering.message, lasting=True))
    if not original_in_hand(prescription):
        blockers.append(
            ReleaseBlocker(
                "original_prescription_awaited",
                "The original prescription has not been received and checked against what was approved (an "
                "uploaded copy is not the legal original), and it is not a verified electronic prescription.",
            )
        )
    return blockers


def _batches(lines: list[OrderLine]) -> list[ReleaseBlocker]:
    shortfalls = find_batch_shortfalls(lines=batch_needs(lines))
    if not shortfalls:
        return []
    packs = Pack.objects.select_related("product").in_bulk([shortfall.pack_id for shortfall in shortfalls])
    return [
        ReleaseBlocker(
            "batches_unavailable", batch_shortfall_message(shortfall, packs[shortfall.pack_id]), lasting=True
        )
        for shortfall in shortfalls
    ]


def _responsible_pharmacist(lines: list[OrderLine]) -> list[ReleaseBlocker]:
    if not any(line.needs_pharmacist for line in lines) or current_responsible_pharmacist() is not None:
        return []
    return [
        ReleaseBlocker(
            "no_responsible_pharmacist",
            "No responsible pharmacist is signed in for today: one must sign in before pharmacy "
            "or prescription-only medicines are sent.",
        )
    ]


def _clinical_alerts(order: Order) -> list[ReleaseBlocker]:
    """As approval judges them (clinical.services): an alert no longer applies once one of the lines it
    involves was refused; otherwise it needs its override, whichever of its lines is sent."""
    refused = set(order.lines.filter(decision=LineDecision.REFUSED).values_list("pk", flat=True))
    open_alerts = (
        OrderAlert.objects.filter(order=order, severity__in=Severity.NEEDS_OVERRIDE, overridden_by__isnull=True)
        .with_line_ids()
        .order_by("pk")
    )
    return [
        ReleaseBlocker(
            "clinical_alert_unresolved",
            f"{alert.get_severity_display()} clinical alert ({alert.rule_id}) has no pharmacist's override.",
        )
        for alert in open_alerts
        if not set(alert.line_ids) & refused
    ]


# Short names for the staff queues' columns and filters.
BLOCKER_LABELS = {
    "pharmacist_decision_missing": "Pharmacist's decision",
    "payment_not_captured": "Payment captured",
    "prescription_missing": "Prescription",
    "prescription_expired": "Prescription in date",
    "prescription_not_covering": "Prescription covers the order",
    "original_prescription_awaited": "Original prescription",
    "batches_unavailable": "Real, usable batch",
    "no_responsible_pharmacist": "Responsible pharmacist",
    "clinical_alert_unresolved": "Clinical alerts overridden",
}


def blocker_label(code: str) -> str:
    return BLOCKER_LABELS.get(code, code.replace("_", " ").capitalize())
