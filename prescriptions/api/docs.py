"""The OpenAPI description of the prescription endpoints: one decorator per operation
(``@docs.prescriptions_create``), so prescriptions/api/views.py reads as code. PRESCRIPTION_ID is shared
with the checkout and review descriptions.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from orders.api.docs import problem_example
from pharmacy.api_schema import problem_responses

from .serializers import PrescriptionOutputSerializer, PrescriptionUploadInputSerializer

PRESCRIPTION_ID = OpenApiParameter("prescription_id", OpenApiTypes.INT, OpenApiParameter.PATH)


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
