"""The root of every business-rule refusal. Interfaces translate these; services never raise HTTP errors."""

from typing import Any


class DomainError(Exception):
    """A rule refused the request. `code` is stable for clients; `message` is for people.

    `http_status` is the HTTP status the API answers with (as DRF's `APIException.status_code`), so each app
    says how its own refusals map to HTTP. The default, 422: the request was understood and well-formed, and
    a business rule refused it. A subclass sets 400 for refused input fields, 403 for who is asking, 404 for
    what does not exist, 409 for the state of the order or the shop (not the request), 429 for a cool-off.
    """

    code = "domain_error"
    http_status = 422
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, field: str | None = None, **extra: Any) -> None:
        self.message = message or self.default_message
        self.field = field
        self.extra = extra
        self.also: list[DomainError] = []
        super().__init__(self.message)

    def together_with(self, *others: "DomainError") -> "DomainError":
        """Report other refusals of the same request in the same answer (every missing field at once)."""
        self.also.extend(others)
        return self

    @property
    def every_error(self) -> list["DomainError"]:
        return [self, *self.also]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"
