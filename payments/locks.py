"""Every row lock of the payments app. A payment is locked after its order (orders.locks), never before."""

from .models import Payment


def payment_for_update(*, payment_id: int) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).select_related("order").get(pk=payment_id)
