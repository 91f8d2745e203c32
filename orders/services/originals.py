"""Does an approved order wait for its prescription's legal original? The original itself is the
prescriptions app's (Prescription.original_in_hand); the order only asks it through its foreign key."""

from ..models import Order, OrderStatus


def is_waiting_for_original(order: Order) -> bool:
    """An approved order with prescription-only lines that cannot go out until the original arrives."""
    return bool(
        order.requires_prescription
        and order.status == OrderStatus.APPROVED
        and not (order.prescription is not None and order.prescription.original_in_hand)
    )
