"""The OpenAPI description of the order endpoints: one decorator per operation
(``@docs.orders_cancel``), so orders/api/views.py reads as code. The parameters and the problem example
here are shared with the checkout, review and payments descriptions.
"""

from http import HTTPStatus

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import (
    IDEMPOTENCY_KEY_PATTERN,
    ORDER_NUMBER_PATTERN,
    CancelOrderInputSerializer,
    OrderOutputSerializer,
)

ORDER_NUMBER = OpenApiParameter(
    "number",
    {"type": "string", "pattern": f"^{ORDER_NUMBER_PATTERN}$"},
    OpenApiParameter.PATH,
    description="The order number, e.g. PH-7K3M9QXA.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description="A key you make up for this checkout (a UUID is ideal): 1-100 printable ASCII characters. "
    "Sending it again with the same body returns the same order instead of placing a second one.",
)

def problem_example(status_code: int, code: str, field: str | None, detail: str) -> OpenApiExample:
    """A response example of a domain refusal, as pharmacy.api renders it."""
    return OpenApiExample(
        f"{status_code} {code}",
        response_only=True,
        status_codes=[str(status_code)],
        media_type="application/problem+json",
        value={
            "type": f"urn:pharmacy:problem:{code}",
            "title": HTTPStatus(status_code).phrase,
            "status": status_code,
            "detail": detail,
            "code": code,
            "errors": [{"field": field, "code": code, "message": detail}],
        },
    )


# --- Orders ---------------------------------------------------------------------------------------

orders_list = extend_schema(
    operation_id="orders_list",
    summary="Your orders, newest first",
    responses={200: OrderOutputSerializer(many=True), **problem_responses(400, 401, 404)},
)


orders_retrieve = extend_schema(
    operation_id="orders_retrieve",
    summary="One of your orders, with its lines, leaflets and status history",
    parameters=[ORDER_NUMBER],
    responses={200: OrderOutputSerializer, **problem_responses(400, 401, 404)},
)


orders_cancel = extend_schema(
    operation_id="orders_cancel",
    summary="Cancel one of your orders before it is dispatched",
    description="The stock goes back. An order already dispatched, delivered, rejected or cancelled "
    "is a 409.",
    parameters=[ORDER_NUMBER],
    request=CancelOrderInputSerializer,
    responses={200: OrderOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415)},
    examples=[
        OpenApiExample("Changed my mind", request_only=True, value={"reason": "Ordered by mistake."})
    ],
)
