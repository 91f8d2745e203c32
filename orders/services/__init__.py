"""Order services: the business rules of prescriptions, review and the status pipeline (checkout is the
checkout app's).

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from .batches import list_batch_recipients, recall_pack_batches, recall_recipients_csv, supply_order_batches
from .confirmation import confirm_placement
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
from .notifications import (
    deliver_outbox_message,
    dispatch_message,
    record_account_message,
    record_message,
    redispatch_pending_messages,
)
from .pipeline import (
    ALLOWED_TRANSITIONS,
    approve_order,
    cancel_order,
    dispatch_order,
    mark_order_delivered,
    reject_order,
)
from .prescriptions import (
    AuthorisedItem,
    DispensingRecord,
    approve_prescription,
    ensure_pharmacist,
    reject_prescription,
    submit_prescription,
)
from .staff import ensure_may_change_orders, may_change_orders, send_messages_again

__all__ = [
    "ALLOWED_TRANSITIONS",
    "approve_order_line",
    "expire_order",
    "expire_overdue_orders",
    "expiry_condition",
    "extend_review_deadline",
    "list_orders_due_for_expiry",
    "refuse_order_line",
    "set_review_deadline",
    "AuthorisedItem",
    "DispensingRecord",
    "approve_order",
    "approve_prescription",
    "cancel_order",
    "confirm_placement",
    "check_prescription_covers",
    "deliver_outbox_message",
    "dispatch_message",
    "dispatch_order",
    "ensure_may_change_orders",
    "ensure_pharmacist",
    "list_batch_recipients",
    "mark_order_delivered",
    "may_change_orders",
    "recall_pack_batches",
    "recall_recipients_csv",
    "record_account_message",
    "record_message",
    "redispatch_pending_messages",
    "reject_order",
    "reject_prescription",
    "send_messages_again",
    "submit_prescription",
    "supply_order_batches",
]
