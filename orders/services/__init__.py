"""Order services: the business rules of prescriptions, the outbox and the order's own moves (cancel,
deliver). Checkout is the checkout app's; what staff do to a placed order is dispensing's.

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from .confirmation import confirm_placement
from .coverage import check_prescription_covers
from .deadlines import set_review_deadline
from .notifications import (
    deliver_outbox_message,
    dispatch_message,
    record_account_message,
    record_message,
    redispatch_pending_messages,
)
from .pipeline import ALLOWED_TRANSITIONS, cancel_order, mark_order_delivered
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
    "set_review_deadline",
    "AuthorisedItem",
    "DispensingRecord",
    "approve_prescription",
    "cancel_order",
    "confirm_placement",
    "check_prescription_covers",
    "deliver_outbox_message",
    "dispatch_message",
    "ensure_may_change_orders",
    "ensure_pharmacist",
    "mark_order_delivered",
    "may_change_orders",
    "record_account_message",
    "record_message",
    "redispatch_pending_messages",
    "reject_prescription",
    "send_messages_again",
    "submit_prescription",
]
