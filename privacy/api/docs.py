"""The OpenAPI description of the account's privacy endpoints (views.py): one decorator per operation."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import (
    DataExportOutputSerializer,
    HealthDataConsentInputSerializer,
    HealthDataConsentStateOutputSerializer,
)

health_data_consent_retrieve = extend_schema(
    operation_id="me_health_data_consent_retrieve",
    summary="The signed-in shopper's health-data consent, and the privacy notice to consent to",
    description="Orders that reveal health data (any pharmacy or prescription medicine, a health record, "
    "consultation answers) are refused with a 422 `health_data_consent_required` while `consented` is false.",
    responses={200: HealthDataConsentStateOutputSerializer, **problem_responses(401, 403)},
)

health_data_consent_create = extend_schema(
    operation_id="me_health_data_consent_create",
    summary="Give explicit consent to the use of health data",
    description="Send the version of the notice whose `consent_text` was shown next to an unticked box, and "
    "`consent: true` once the shopper ticked it. The consent is stored as evidence (revision, words, time, "
    "interface). A version other than the one in force is a 409 `privacy_notice_outdated`: show the current "
    "one. Consenting again to the same revision changes nothing.",
    request=HealthDataConsentInputSerializer,
    responses={201: HealthDataConsentStateOutputSerializer, **problem_responses(400, 401, 403, 409, 415)},
    examples=[OpenApiExample("Consent", request_only=True, value={"notice_version": 1, "consent": True})],
)

health_data_consent_destroy = extend_schema(
    operation_id="me_health_data_consent_destroy",
    summary="Withdraw the health-data consent",
    description="New orders that need it are refused until it is given again; nothing the law requires us to "
    "keep is deleted. Without a consent in force, a 409 `no_consent_to_withdraw`.",
    request=None,
    responses={200: HealthDataConsentStateOutputSerializer, **problem_responses(401, 403, 409)},
)

data_export_retrieve = extend_schema(
    operation_id="me_data_export_retrieve",
    summary="The signed-in shopper's latest data export (subject access request)",
    description="Its status, and while it is ready the signed link to download it. Without any export yet, a "
    "404 `no_data_export`.",
    responses={200: DataExportOutputSerializer, **problem_responses(401, 403, 404)},
)

data_export_create = extend_schema(
    operation_id="me_data_export_create",
    summary="Ask for a copy of everything the shop holds about the shopper",
    description="A ZIP (export.json, valid against the JSON Schema in the docs; export.html; the uploaded "
    "prescriptions) is built in the background and an e-mail with a link is sent when it is ready. One export "
    "runs at a time per person: while one is being prepared, the answer is that one, with 200 instead of 202. "
    "A fourth new export within a day is a 429 `export_limit_reached`.",
    request=None,
    responses={
        202: OpenApiResponse(DataExportOutputSerializer, description="A new export is being prepared."),
        200: OpenApiResponse(DataExportOutputSerializer, description="The export already being prepared."),
        **problem_responses(401, 403),
    },
)

data_export_download = extend_schema(
    operation_id="me_data_export_download",
    summary="Download a ready data export through its signed link",
    description="Only for the shopper the export belongs to, signed in, until `expires_at`. A link that is "
    "tampered with, someone else's or expired is a 404 `export_not_available`.",
    parameters=[OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH,
                                 description="The signed part of `download_url`.")],
    responses={
        (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP."),
        **problem_responses(401, 403, 404),
    },
)
