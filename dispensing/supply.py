"""Approved orders that can no longer be supplied as they stand: the release gate refuses them for a
reason time will not fix (the prescription expired, a batch was recalled or went out of date and no
other real stock covers the line). They are flagged with a deadline (CANNOT_SUPPLY_DEADLINE_DAYS) and
wait in the staff's "cannot supply" queue, where staff either supply less (send what can be sent; the
shortfall is not charged, and refunded if it was) or cancel and refund. At the deadline, an order still
waiting is cancelled and refunded (orders.services.deadlines).
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.services import release_stock
from notifications.services import record_message
from orders.exceptions import InvalidOrderTransition
from orders.locks import order_for_update
from orders.models import LineDecision, MessageKind, Order, OrderEvent, OrderStatus
from orders.services import cancel_order, ensure_may_change_orders

from .approval import dispatch_order
from .release_gate import release_blockers

logger = logging.getLogger(__name__)

FLAG_BATCH = 500


def list_orders_that_cannot_be_supplied() -> QuerySet[Order]:
    """The staff queue: approved orders flagged as not suppliable, the nearest deadline first."""
    return Order.objects.filter(status=OrderStatus.APPROVED, cannot_supply_since__isnull=False).order_by(
        "review_deadline", "pk"
    )


@transaction.atomic
def review_supply(*, order: Order, now: datetime | None = None) -> bool:
    """Ask the release gate about one approved order and flag it (with a deadline, in its history) or
    clear the flag. Returns whether it is flagged afterwards. Safe to run again."""
    now = now or timezone.now()
    order = order_for_update(order_id=order.pk)
    if order.status != OrderStatus.APPROVED:
        return False
    lasting = [blocker for blocker in release_blockers(order) if blocker.lasting]
    if not lasting:
        if order.cannot_supply_since is not None:
            order.cannot_supply_since, order.cannot_supply_reason = None, ""
            order.save(update_fields=["cannot_supply_since", "cannot_supply_reason", "updated_at"])
            _note(order, "It can be supplied again; it left the cannot-supply queue.")
        return False
    reason = " ".join(blocker.message for blocker in lasting)
    if order.cannot_supply_since is None:
        order.cannot_supply_since = now
        order.review_deadline = now + timedelta(days=settings.CANNOT_SUPPLY_DEADLINE_DAYS)
        order.cannot_supply_reason = reason
        order.save(update_fields=["cannot_supply_since", "cannot_supply_reason", "review_deadline", "updated_at"])
        when = timezone.localtime(order.review_deadline).strftime("%d %B %Y %H:%M")
        _note(
            order,
            f"Cannot be supplied: {reason} Staff must supply less or cancel and refund by {when}, "
            "or it is cancelled and refunded then.",
        )
    elif order.cannot_supply_reason != reason:
        order.cannot_supply_reason = reason
        order.save(update_fields=["cannot_supply_reason", "updated_at"])
    return True


def flag_orders_that_cannot_be_supplied(*, pack_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """The periodic job, and the recall's follow-up (with the recalled packs): review every approved
    order (holding one of `pack_ids`), one transaction each. Returns how many are flagged."""
    orders = Order.objects.filter(status=OrderStatus.APPROVED)
    if pack_ids is not None:
        orders = orders.filter(lines__pack_id__in=list(pack_ids)).distinct()
    ids = list(orders.order_by("pk").values_list("pk", flat=True)[:FLAG_BATCH])
    flagged = sum(review_supply(order=Order(pk=order_id), now=now) for order_id in ids)
    if flagged:
        logger.info("%s approved orders cannot be supplied as they stand", flagged)
    return flagged


@transaction.atomic
def supply_less(*, order: Order, actor, quantities: Mapping[int, int], reason: str) -> Order:
    """Dispatch fewer packs than ordered: `quantities` maps line ids to the packs now sent (0 sends none of
    that line). The release gate must pass for what is sent; the packs not sent go back to stock, are not
    charged (payments refund the difference after the dispatch commits), and the shopper is e-mailed the
    items not sent."""
    ensure_may_change_orders(actor, doing="supply less than was ordered")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidOrderTransition("Give the reason less is supplied, for the order's history.", field="reason")
    order = order_for_update(order_id=order.pk)
    if order.status != OrderStatus.APPROVED:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()}: only an approved order can be "
            "supplied in part.",
            field="status",
        )
    lines = {line.pk: line for line in order.lines.exclude(decision=LineDecision.REFUSED)}
    unknown = sorted(set(quantities) - set(lines))
    if unknown:
        raise InvalidOrderTransition(f"Order {order.number} has no line {unknown[0]} to supply.", field="lines")
    shortfall: dict[int, int] = {}  # line id -> packs not sent
    for line_id, sent in quantities.items():
        line = lines[line_id]
        if isinstance(sent, bool) or not isinstance(sent, int) or not 0 <= sent <= line.quantity_supplied:
            raise InvalidOrderTransition(
                f"Send between 0 and {line.quantity_supplied} of {line.description}.", field="lines"
            )
        if sent < line.quantity_supplied:
            shortfall[line_id] = line.quantity_supplied - sent
    if not shortfall:
        raise InvalidOrderTransition("Nothing is left out: dispatch the order as it is.", field="lines")
    if all(lines[line_id].quantity_supplied == shortfall.get(line_id, 0) for line_id in lines):
        raise InvalidOrderTransition("Nothing would be sent: cancel and refund the order instead.", field="lines")
    returned: dict[int, int] = {}
    for line_id, packs in shortfall.items():
        type(lines[line_id]).objects.filter(pk=line_id).update(quantity_not_supplied=F("quantity_not_supplied") + packs)
        returned[lines[line_id].pack_id] = returned.get(lines[line_id].pack_id, 0) + packs
    release_stock(quantities=returned)
    left_out = ", ".join(f"{packs} × {lines[line_id].description}" for line_id, packs in shortfall.items())
    _note(order, f"Supplied less: {left_out} not sent ({reason}); not charged, and refunded if it was.", actor=actor)
    record_message(order=order, kind=MessageKind.ORDER_SUPPLIED_LESS)
    return dispatch_order(order=order, actor=actor, note=f"Dispatched in part: {left_out} not sent. {reason}")


@transaction.atomic
def cancel_and_refund(*, order: Order, actor, reason: str) -> Order:
    """Cancel an order that cannot be supplied: its stock goes back, the payment is refunded (or the
    authorisation released) after the cancellation commits, and the shopper is told why."""
    ensure_may_change_orders(actor, doing="cancel orders")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidOrderTransition(
            "Give the reason the order cannot be supplied, for the order's history.", field="reason"
        )
    return cancel_order(
        order=order, actor=actor, reason=f"We could not supply this order: {reason} Any payment is refunded in full."
    )


def _note(order: Order, reason: str, *, actor=None) -> OrderEvent:
    """A line in the order's history that is not a change of status."""
    return OrderEvent.objects.create(
        order=order, from_status=order.status, to_status=order.status, actor=actor, reason=reason
    )
