"""The Idempotency-Key header of the API's order-creating requests (checkout, "order again", a payment
attempt): required, and 1-100 printable ASCII characters."""

import re

from rest_framework.exceptions import ValidationError

from .serializers import IDEMPOTENCY_KEY_PATTERN

_IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


def read_idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise ValidationError(
            {"Idempotency-Key": ["This header is required: send a key unique to this checkout."]},
            code="required",
        )
    if not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationError(
            {"Idempotency-Key": ["Use 1-100 printable ASCII characters, e.g. a UUID."]}, code="invalid"
        )
    return key
