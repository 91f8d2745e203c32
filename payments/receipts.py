"""The payment line of the shopper's receipt and order pages."""

from orders.models import Order

from .models import PaymentStatus


def payment_status_text(order: Order) -> str:
    """One short sentence on where the shopper's money is, e.g. "Authorised — charged when our
    pharmacist approves"."""
    payments = list(order.payments.all())
    payment = next((p for p in reversed(payments) if p.status != PaymentStatus.FAILED),
                   payments[-1] if payments else None)
    if payment is None:  # empty for orders placed without the payment step
        return "Awaiting payment" if order.status == "awaiting_payment" else ""
    amount = f"{payment.amount_charged:.2f} {payment.currency}"
    if payment.status == PaymentStatus.VOIDED and order.status == "awaiting_payment":  # the hold ended uncaptured
        return "Not charged — the hold on your card ended: pay again to keep your order"
    if payment.status == PaymentStatus.AUTHORISED:
        if order.requires_pharmacist:
            return "Authorised — charged when our pharmacist approves"
        return "Authorised — being charged"
    if payment.status == PaymentStatus.CAPTURED:
        if payment.amount_refunded:
            return f"Paid {amount} (part refunded)"
        return "Paid"
    return {
        PaymentStatus.PENDING: "Payment being processed",
        PaymentStatus.REQUIRES_ACTION: "Waiting for you to confirm the payment with your bank",
        PaymentStatus.VOIDED: "Not charged — the authorisation was released",
        PaymentStatus.REFUNDED: "Refunded in full",
        PaymentStatus.FAILED: "Payment declined — try another card",
    }[payment.status]
