"""The OpenAPI description of the erasure endpoints (erasure_views.py): one decorator per operation."""

from drf_spectacular.utils import OpenApiExample, extend_schema

from pharmacy.api_schema import problem_responses

from .erasure_serializers import ErasureConfirmInputSerializer, ErasureRequestOutputSerializer

erasure_create = extend_schema(
    operation_id="me_erasure_create",
    summary="Ask for the signed-in shopper's account to be erased",
    description="E-mails a link to confirm; nothing changes until it is confirmed (`erasure_confirm`). Asking "
    "again while a request is open returns it and e-mails the link again. A staff account is a 409 "
    "`erasure_not_allowed`; an order in progress is a 409 `erasure_blocked_by_open_order`.",
    request=None,
    responses={202: ErasureRequestOutputSerializer, **problem_responses(401, 403, 409)},
)

erasure_confirm = extend_schema(
    operation_id="erasure_confirm",
    summary="Confirm an erasure with the e-mailed link's token: the account is erased now",
    description="No sign-in needed: the signed token (valid three days) is the proof. The account is closed at "
    "once (every token and session ends); what no law keeps is erased, and what a law keeps is restricted "
    "until the date the report gives. Confirming again returns the same report. A forged or expired token is "
    "a 404 `erasure_link_invalid`.",
    request=ErasureConfirmInputSerializer,
    responses={200: ErasureRequestOutputSerializer, **problem_responses(400, 404, 409, 415)},
    examples=[OpenApiExample("Confirm", request_only=True, value={"token": "eyJyZXF1ZXN0Ijo…"})],
)
