"""The OpenAPI description of the sign-up, sign-in and account endpoints (views.py): one decorator per
operation (``@docs.auth_register``).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import (
    AcceptedOutputSerializer,
    AuthTokenOutputSerializer,
    AuthTokenRevokeAllOutputSerializer,
    LinkInputSerializer,
    MeOutputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetRequestInputSerializer,
    RegisterInputSerializer,
    SignInInputSerializer,
    UserOutputSerializer,
)

EXAMPLE_PASSWORD = "correct-horse-battery-staple"


auth_register = extend_schema(
    operation_id="auth_register",
    summary="Create a shopper account",
    description="Always a 202 with the same answer, whether or not the address already has an account "
    "(a new address gets an account and a confirmation link; a taken one gets an e-mail saying so). "
    "Then sign in with `POST /api/v1/auth/token/`. A password the validators refuse is a 400 on "
    "`password`. Requests are limited per client address (scope `register`).",
    request=RegisterInputSerializer,
    responses={202: AcceptedOutputSerializer, **problem_responses(400, 401, 403, 415)},
    examples=[
        OpenApiExample(
            "New shopper",
            request_only=True,
            value={"email": "ada@example.org", "password": EXAMPLE_PASSWORD, "full_name": "Ada Lovelace"},
        )
    ],
)


auth_token_create = extend_schema(
    operation_id="auth_token_create",
    summary="Sign in: exchange e-mail and password for an API token",
    description="Each sign-in makes a new token for the device that asked; it expires after "
    "API_TOKEN_TTL_DAYS without use. Wrong credentials are a 400 with code `invalid_credentials`. "
    "Staff must also send `otp_code` from their authenticator app (a 400 `otp_required` or "
    "`otp_invalid` otherwise); their token lasts STAFF_TOKEN_TTL_HOURS from sign-in and is not "
    "renewed by use. Failed attempts are limited per client (scope `sign_in`); over the "
    "limit, a 429 with Retry-After. After AXES_FAILURE_LIMIT failures for one account, or from one "
    "address, signing in is locked for the cool-off: a 429 with code `account_locked`.",
    request=SignInInputSerializer,
    responses={200: AuthTokenOutputSerializer, **problem_responses(400, 401, 403, 415)},
    examples=[
        OpenApiExample(
            "Sign in",
            request_only=True,
            value={"email": "ada@example.org", "password": EXAMPLE_PASSWORD},
        )
    ],
)


auth_token_destroy = extend_schema(
    operation_id="auth_token_destroy",
    summary="Sign out this device: revoke the token sent with this request",
    description="The user's other devices stay signed in; see `auth_token_all_destroy` to sign out everywhere.",
    request=None,
    responses={204: None, **problem_responses(401, 403)},
)


auth_token_all_destroy = extend_schema(
    operation_id="auth_token_all_destroy",
    summary="Sign out everywhere: revoke every API token of the signed-in user",
    request=None,
    responses={200: AuthTokenRevokeAllOutputSerializer, **problem_responses(401, 403)},
)


auth_me_retrieve = extend_schema(
    operation_id="auth_me_retrieve",
    summary="The signed-in user",
    responses={200: MeOutputSerializer, **problem_responses(401)},
)


auth_verify_email_confirm = extend_schema(
    operation_id="auth_verify_email_confirm",
    summary="Confirm the e-mail address with the link's `uid` and `token`",
    description="A used, expired or altered link is a 400 with code `invalid_link`.",
    request=LinkInputSerializer,
    responses={200: UserOutputSerializer, **problem_responses(400, 401, 403, 415)},
)


auth_verify_email_resend = extend_schema(
    operation_id="auth_verify_email_resend",
    summary="Send the link that confirms the signed-in user's e-mail address again",
    request=None,
    responses={202: AcceptedOutputSerializer, **problem_responses(401, 403)},
)


auth_password_reset_request = extend_schema(
    operation_id="auth_password_reset_request",
    summary="E-mail a link to choose a new password",
    description="Always a 202 with the same answer, whether or not the address has an account. "
    "Limited per client address (scope `password_reset`).",
    request=PasswordResetRequestInputSerializer,
    responses={202: AcceptedOutputSerializer, **problem_responses(400, 401, 403, 415)},
)


auth_password_reset_confirm = extend_schema(
    operation_id="auth_password_reset_confirm",
    summary="Choose a new password with the link's `uid` and `token`",
    description="A used, expired or altered link is a 400 with code `invalid_link`; a password the "
    "validators refuse is a 400 on `password`. Success also confirms the address and lifts a sign-in "
    "lockout of the account.",
    request=PasswordResetConfirmInputSerializer,
    responses={204: None, **problem_responses(400, 401, 403, 415)},
)
