"""Every row lock of the orders app. Order before prescription (prescriptions/locks.py) before packs,
always, so that the review, cancellation and checkout paths take locks in one global order and cannot
deadlock."""

from .models import Order


def order_for_update(*, order_id: int) -> Order:
    """The order, locked, remembering its values as read: a transition then saves only the fields the
    caller changed (orders.state_machine.apply_transition), not the whole row."""
    order = Order.objects.select_for_update().get(pk=order_id)
    order._values_as_locked = _values(order)
    return order


def fields_changed_since_locked(order: Order) -> list[str] | None:
    """The fields changed since order_for_update read the order; None for an order read otherwise."""
    as_locked = getattr(order, "_values_as_locked", None)
    if as_locked is None:
        return None
    return [name for name, value in _values(order).items() if value != as_locked[name]]


def _values(order: Order) -> dict:
    # The attribute names: a foreign key compares by its id, and reads no related row.
    return {field.attname: getattr(order, field.attname) for field in Order._meta.concrete_fields}
