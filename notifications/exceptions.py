from pharmacy.exceptions import DomainError


class EmailDeliveryFailed(Exception):
    """One attempt to send an outbox message failed; re-dispatch tries again when due.
    Not a DomainError: no client sees it."""


class NotAllowed(DomainError):
    code = "not_allowed"
    http_status = 403
    default_message = "You are not allowed to do that."
