"""Order services: the business rules of prescriptions and the order's own moves (cancel, deliver).
Checkout is the checkout app's; what staff do to a placed order is dispensing's.

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from .confirmation import confirm_placement
from .coverage import check_prescription_covers
from .deadlines import set_review_deadline
from .pipeline import ALLOWED_TRANSITIONS, cancel_order, mark_order_delivered
from .prescriptions import (
    AuthorisedItem,
    DispensingRecord,
    approve_prescription,
    ensure_pharmacist,
    reject_prescription,
    submit_prescription,
)
from .staff import ensure_may_change_orders, may_change_orders

__all__ = [
    "ALLOWED_TRANSITIONS",
    "set_review_deadline",
    "AuthorisedItem",
    "DispensingRecord",
    "approve_prescription",
    "cancel_order",
    "confirm_placement",
    "check_prescription_covers",
    "ensure_may_change_orders",
    "ensure_pharmacist",
    "mark_order_delivered",
    "may_change_orders",
    "reject_prescription",
    "submit_prescription",
]
