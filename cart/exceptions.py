from pharmacy.exceptions import DomainError


class CartLineNotFound(DomainError):
    code = "cart_line_not_found"
    http_status = 404
    default_message = "That line is not in your cart."


class CartCurrencyMismatch(DomainError):
    code = "currency_mismatch"
    default_message = "This item is priced in another currency than your cart."
