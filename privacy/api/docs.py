"""The OpenAPI description of the account's privacy endpoints (views.py): one decorator per operation."""

from drf_spectacular.utils import OpenApiExample, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import HealthDataConsentInputSerializer, HealthDataConsentStateOutputSerializer

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
