"""Every row lock of the orders app. Order before prescription before packs, always, so that the
review, cancellation and checkout paths take locks in one global order and cannot deadlock."""

from .models import Order, Prescription


def order_for_update(*, order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def prescription_for_update(*, prescription_id: int) -> Prescription:
    return Prescription.objects.select_for_update().get(pk=prescription_id)

