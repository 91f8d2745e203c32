"""Order services: the order's own moves (confirm the placement, cancel, deliver) and its deadlines.
Checkout is the checkout app's; prescriptions are the prescriptions app's; what staff do to a placed order
is dispensing's.

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from .confirmation import confirm_placement
from .deadlines import set_review_deadline
from .pipeline import ALLOWED_TRANSITIONS, cancel_order, mark_order_delivered
from .staff import ensure_may_change_orders, may_change_orders

__all__ = [
    "ALLOWED_TRANSITIONS",
    "set_review_deadline",
    "cancel_order",
    "confirm_placement",
    "ensure_may_change_orders",
    "mark_order_delivered",
    "may_change_orders",
]
