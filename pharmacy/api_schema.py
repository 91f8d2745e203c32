"""OpenAPI pieces every app's API shares: the problem document (see pharmacy.api) and its responses.

    @extend_schema(responses={200: ProductDetailOutputSerializer, **problem_responses(404)})

Error responses are documented with the media type they are sent with, application/problem+json,
so contract tests (schemathesis) can hold the API to them.
"""

from http import HTTPStatus

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .api import PROBLEM_CONTENT_TYPE


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True,
                                  help_text="Dotted path of the input at fault; null for the whole request.")
    code = serializers.CharField(help_text="Stable, machine-readable reason.")
    message = serializers.CharField(help_text="Readable reason, for people.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every 4xx and 5xx response."""

    type = serializers.CharField(help_text="urn:pharmacy:problem:<code>")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="Stable, machine-readable code.")
    errors = ProblemErrorSerializer(many=True, help_text="One entry per invalid field or refused rule.")


# What each status means for this API, used as the response description.
_DESCRIPTIONS = {
    400: "The request is malformed: a parameter or field is invalid (see `errors`).",
    401: "Authentication is required.",
    403: "You are not allowed to do this.",
    404: "Not found: no such resource, or a page past the end of a list.",
    406: "The requested media type cannot be produced.",
    409: "The request conflicts with the current state (e.g. not enough stock).",
    413: "The upload is too large.",
    415: "The upload or body has an unsupported media type.",
    422: "The request was understood but a business rule refused it.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
}

_EXAMPLE_DETAILS = {
    400: ("invalid", "The request has invalid fields: legal_category",
          [{"field": "legal_category", "code": "invalid_choice", "message": '"x" is not a valid choice.'}]),
    404: ("not_found", "Not found.", []),
}


def problem_response(status_code: int, description: str | None = None) -> OpenApiResponse:
    examples = []
    if status_code in _EXAMPLE_DETAILS:
        code, detail, errors = _EXAMPLE_DETAILS[status_code]
        examples.append(OpenApiExample(
            f"{status_code} {code}", status_codes=[str(status_code)], response_only=True,
            value={"type": f"urn:pharmacy:problem:{code}", "title": HTTPStatus(status_code).phrase,
                   "status": status_code, "detail": detail, "code": code, "errors": errors},
        ))
    return OpenApiResponse(
        ProblemSerializer,
        description=description or _DESCRIPTIONS.get(status_code, HTTPStatus(status_code).phrase),
        examples=examples,
    )


def problem_responses(*status_codes: int, throttled: bool = True) -> dict:
    """`{(status, "application/problem+json"): response}` for each status, plus 429 when throttled,
    to spread into an `extend_schema(responses=...)` dict."""
    codes = list(status_codes) + ([429] if throttled and 429 not in status_codes else [])
    return {(code, PROBLEM_CONTENT_TYPE): problem_response(code) for code in codes}
