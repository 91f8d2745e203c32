"""The OpenAPI description of the prescription and order endpoints: one decorator per operation
(``@docs.orders_cancel``), so orders/api/views.py reads as code. The parameters and the problem example
here are shared with the checkout, review and payments descriptions.
"""

from http import HTTPStatus

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import (
    IDEMPOTENCY_KEY_PATTERN,
    ORDER_NUMBER_PATTERN,
    CancelOrderInputSerializer,
    OrderOutputSerializer,
    PrescriptionOutputSerializer,
    PrescriptionUploadInputSerializer,
)

ORDER_NUMBER = OpenApiParameter(
    "number",
    {"type": "string", "pattern": f"^{ORDER_NUMBER_PATTERN}$"},
    OpenApiParameter.PATH,
    description="The order number, e.g. PH-7K3M9QXA.",
)
PRESCRIPTION_ID = OpenApiParameter("prescription_id", OpenApiTypes.INT, OpenApiParameter.PATH)
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


# --- Prescriptions --------------------------------------------------------------------------------

prescriptions_list = extend_schema(
    operation_id="prescriptions_list",
    summary="Your uploaded prescriptions, newest first",
    responses={200: PrescriptionOutputSerializer(many=True), **problem_responses(400, 401, 404)},
)


prescriptions_create = extend_schema(
    operation_id="prescriptions_create",
    summary="Upload a prescription (multipart/form-data, field `file`)",
    description="A PDF, JPEG or PNG. A file over the size limit is a 413; a file of another type, or "
    "whose content is not what its name or type says, is a 415. Nothing is stored on refusal. "
    "Use the returned `id` as `prescription_id` at checkout.",
    request={"multipart/form-data": PrescriptionUploadInputSerializer},
    responses={201: PrescriptionOutputSerializer, **problem_responses(400, 401, 403, 413, 415)},
    examples=[
        problem_example(
            415,
            "unsupported_file_type",
            "file",
            "The file claims to be a PDF but its content is a PNG image.",
        ),
        problem_example(
            413,
            "file_too_large",
            "file",
            "The file is 6,291,456 bytes; the limit is 5,242,880 bytes (5 MB).",
        ),
    ],
)


prescriptions_retrieve = extend_schema(
    operation_id="prescriptions_retrieve",
    summary="One of your prescriptions",
    parameters=[PRESCRIPTION_ID],
    responses={200: PrescriptionOutputSerializer, **problem_responses(400, 401, 404)},
)


prescriptions_file_retrieve = extend_schema(
    operation_id="prescriptions_file_retrieve",
    summary="Download a prescription file (its owner, or a pharmacist signed in with a second factor)",
    description="Another patient's file is served only to a pharmacist whose token was issued with an "
    "`otp_code` (or an OTP-verified admin session); anyone else gets 404, as for a missing file, and "
    "every such request is logged.",
    parameters=[PRESCRIPTION_ID],
    responses={
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file as uploaded."
        ),
        (200, "image/jpeg"): OpenApiTypes.BINARY,
        (200, "image/png"): OpenApiTypes.BINARY,
        **problem_responses(400, 401, 404),
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
