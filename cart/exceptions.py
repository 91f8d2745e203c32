from pharmacy.exceptions import DomainError


class CartLineNotFound(DomainError):
    code = "cart_line_not_found"
    http_status = 404
    default_message = "That line is not in your cart."


class CartCurrencyMismatch(DomainError):
    code = "currency_mismatch"
    default_message = "This item is priced in another currency than your cart."


class CartGone(DomainError):
    """The cart was deleted between the request reading it and locking it: a sign-in merged this guest cart
    into the account's, or an erasure of the account removed it."""

    code = "cart_gone"
    http_status = 409
    default_message = "This cart no longer exists. Reload the page to see your current cart."
