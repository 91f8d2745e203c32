"""The end of every placement. An order is placed by checkout and, when the card is taken at checkout,
waits in `awaiting_payment` until the payments app has the authorisation; either way it ends here: it
takes the status its lines call for and the shopper is sent the confirmation. The cart is the caller's
to empty (cart and orders do not import each other)."""

from datetime import datetime

from notifications.services import record_message

from ..models import MessageKind, Order, OrderStatus
from ..state_machine import apply_transition, apply_transition_if_unchanged

__all__ = ["confirm_first_payment", "confirm_placement", "placed_status"]


def placed_status(*, requires_pharmacist: bool, released: bool = False) -> str:
    """What a placed order waits for: a pharmacist (P or POM lines, or a major clinical alert), unless one
    already released it; else nothing, and it is approved."""
    return OrderStatus.AWAITING_REVIEW if requires_pharmacist and not released else OrderStatus.APPROVED


def confirm_placement(*, order: Order, actor, because: str = "", review_deadline: datetime | None = None,
                      first: bool = False) -> Order:
    """Confirm a placed order to the shopper. Inside the caller's transaction, with the order locked.
    `first`: the order has never been confirmed (just placed, or paid for the first time), so its
    confirmation is written without looking for an earlier one.

    An order still awaiting payment moves on to its placed status (`because` opens the reason recorded
    in its history; `review_deadline` is how long a pharmacist may take, for an order that needs one).
    Paid again after an earlier authorisation ended, an order a pharmacist already released is approved
    again. An order placed straight into its status (no payment step) only gets its confirmation."""
    if order.status == OrderStatus.AWAITING_PAYMENT:
        to_status, reason, order.review_deadline = _placed_after_payment(order=order, because=because,
                                                                         review_deadline=review_deadline)
        apply_transition(order=order, to_status=to_status, actor=actor, reason=reason)
    record_message(order=order, kind=MessageKind.ORDER_PLACED, first=first)
    return order


def confirm_first_payment(*, order: Order, actor, because: str, review_deadline: datetime | None) -> bool:
    """confirm_placement for an order checkout has just placed awaiting payment, once its first card is
    authorised, without locking and reading the order again: it moves on by one conditional UPDATE
    (orders.state_machine.apply_transition_if_unchanged), inside the caller's transaction. False, with
    nothing written, when it no longer awaits payment as placed (cancelled meanwhile): the caller then
    locks it and confirms it with confirm_placement, if at all."""
    to_status, reason, deadline = _placed_after_payment(order=order, because=because, review_deadline=review_deadline)
    if not apply_transition_if_unchanged(order=order, to_status=to_status, actor=actor, reason=reason,
                                         review_deadline=deadline):
        return False
    record_message(order=order, kind=MessageKind.ORDER_PLACED, first=True)
    return True


def _placed_after_payment(*, order: Order, because: str,
                          review_deadline: datetime | None) -> tuple[str, str, datetime | None]:
    """(status, reason, review deadline) of an order awaiting payment once it is paid."""
    released = order.released_by_id is not None
    to_status = placed_status(requires_pharmacist=order.requires_pharmacist, released=released)
    if not order.requires_pharmacist:
        return to_status, f"{because}; general-sale medicines only: no pharmacist review needed.", None
    if released:
        return to_status, f"{because} again; the pharmacist's approval stands.", review_deadline
    return to_status, f"{because}; awaiting pharmacist review.", review_deadline
