from pharmacy.exceptions import DomainError


class PurchaseLimitExceeded(DomainError):
    code = "purchase_limit_exceeded"
    default_message = "This order is over a purchase limit."
