"""Order services: the business rules of checkout, prescriptions, review and the status pipeline.

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from ..selectors import questions_for_lines
from .consultations import Patient, age_on, check_patient, consultation_snapshots
from .coverage import check_prescription_covers
from .deadlines import (
    expire_order,
    expire_overdue_orders,
    expiry_condition,
    extend_review_deadline,
    list_orders_due_for_expiry,
    set_review_deadline,
)
from .decisions import approve_order_line, refuse_order_line
from .notifications import deliver_outbox_message, dispatch_message, record_message, redispatch_pending_messages
from .pipeline import (
    ALLOWED_TRANSITIONS,
    approve_order,
    cancel_order,
    dispatch_order,
    mark_order_delivered,
    reject_order,
)
from .placement import CheckoutDetails, place_order
from .prescriptions import (
    AuthorisedItem,
    DispensingRecord,
    approve_prescription,
    ensure_pharmacist,
    is_pharmacist,
    reject_prescription,
    submit_prescription,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "Patient",
    "age_on",
    "approve_order_line",
    "check_patient",
    "consultation_snapshots",
    "expire_order",
    "expire_overdue_orders",
    "expiry_condition",
    "extend_review_deadline",
    "list_orders_due_for_expiry",
    "questions_for_lines",
    "refuse_order_line",
    "set_review_deadline",
    "AuthorisedItem",
    "CheckoutDetails",
    "DispensingRecord",
    "approve_order",
    "approve_prescription",
    "cancel_order",
    "check_prescription_covers",
    "deliver_outbox_message",
    "dispatch_message",
    "dispatch_order",
    "ensure_pharmacist",
    "is_pharmacist",
    "mark_order_delivered",
    "place_order",
    "record_message",
    "redispatch_pending_messages",
    "reject_order",
    "reject_prescription",
    "submit_prescription",
]
