from orders.exceptions import InvalidOrderTransition, NotAllowed
from pharmacy.exceptions import DomainError


class PaymentNotPossible(InvalidOrderTransition):
    """The order is not in a state to take (or move) this payment: a conflict with its state (409)."""

    code = "payment_not_possible"
    default_message = "This order cannot take a payment now."


class InvalidPaymentMethod(DomainError):
    code = "invalid_payment_method"
    default_message = "Enter a card."


class InvalidRefund(DomainError):
    code = "invalid_refund"
    default_message = "This refund is not possible."


class RefundNotAllowed(NotAllowed):
    code = "refund_not_allowed"
    default_message = "You do not have permission to refund payments."
