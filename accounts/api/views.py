"""Account API: register, sign in for a token, sign out (one device or all), who am I, e-mail verification
and password reset. Thin: validate, call one service, serialize. Errors become problem documents in
pharmacy.api. Register and password reset answer the same whether or not the address has an account."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.exceptions import InvalidCredentials, InvalidSecondFactor
from accounts.services import (
    create_auth_token,
    register_user,
    request_password_reset,
    reset_password,
    revoke_all_auth_tokens,
    revoke_auth_token,
    send_email_verification,
    verify_email,
)
from pharmacy.api_schema import problem_responses
from pharmacy.throttling import FailedAttemptThrottle, ScopedThrottle, default_throttles_and

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

SIGN_UP_ACCEPTED = (
    "We have sent a message to this address. If it is new to us, your account is ready: sign in, and open "
    "the link in the message to confirm the address before your first order. If the address already has an "
    "account, the message says so."
)
RESET_ACCEPTED = "If an account uses this address, we have sent it a link to choose a new password."

EXAMPLE_PASSWORD = "correct-horse-battery-staple"


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @extend_schema(
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
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        register_user(**data.validated_data)
        return Response({"detail": SIGN_UP_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class AuthTokenApi(APIView):
    """POST signs in (a new token for this device); DELETE signs this device out (its token only)."""

    throttle_scope = "sign_in"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        throttles = [throttle() for throttle in default_throttles_and()]
        return [*throttles, FailedAttemptThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
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
    def post(self, request):
        data = SignInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = create_auth_token(request=request, **data.validated_data)
        except (InvalidCredentials, InvalidSecondFactor):
            FailedAttemptThrottle().record_failure(request, self)
            raise
        return Response(AuthTokenOutputSerializer(token).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Sign out this device: revoke the token sent with this request",
        description="The user's other devices stay signed in; see `auth_token_all_destroy` to sign out everywhere.",
        request=None,
        responses={204: None, **problem_responses(401, 403)},
    )
    def delete(self, request):
        if request.auth is not None:  # a session client has no token to revoke
            revoke_auth_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuthTokenAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_token_all_destroy",
        summary="Sign out everywhere: revoke every API token of the signed-in user",
        request=None,
        responses={200: AuthTokenRevokeAllOutputSerializer, **problem_responses(401, 403)},
    )
    def delete(self, request):
        revoked = revoke_all_auth_tokens(user=request.user)
        return Response(AuthTokenRevokeAllOutputSerializer({"revoked": revoked}).data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_me_retrieve",
        summary="The signed-in user",
        responses={200: MeOutputSerializer, **problem_responses(401)},
    )
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)


class EmailVerificationConfirmApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_verify_email_confirm",
        summary="Confirm the e-mail address with the link's `uid` and `token`",
        description="A used, expired or altered link is a 400 with code `invalid_link`.",
        request=LinkInputSerializer,
        responses={200: UserOutputSerializer, **problem_responses(400, 401, 403, 415)},
    )
    def post(self, request):
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = verify_email(uidb64=data.validated_data["uid"], token=data.validated_data["token"])
        return Response(UserOutputSerializer(user).data)


class EmailVerificationResendApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_verify_email_resend",
        summary="Send the link that confirms the signed-in user's e-mail address again",
        request=None,
        responses={202: AcceptedOutputSerializer, **problem_responses(401, 403)},
    )
    def post(self, request):
        sent = send_email_verification(user=request.user)
        detail = f"We have sent a new link to {request.user.email}." if sent else "Your address is already confirmed."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class PasswordResetRequestApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset_request",
        summary="E-mail a link to choose a new password",
        description="Always a 202 with the same answer, whether or not the address has an account. "
        "Limited per client address (scope `password_reset`).",
        request=PasswordResetRequestInputSerializer,
        responses={202: AcceptedOutputSerializer, **problem_responses(400, 401, 403, 415)},
    )
    def post(self, request):
        data = PasswordResetRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        request_password_reset(email=data.validated_data["email"])
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        summary="Choose a new password with the link's `uid` and `token`",
        description="A used, expired or altered link is a 400 with code `invalid_link`; a password the "
        "validators refuse is a 400 on `password`. Success also confirms the address and lifts a sign-in "
        "lockout of the account.",
        request=PasswordResetConfirmInputSerializer,
        responses={204: None, **problem_responses(400, 401, 403, 415)},
    )
    def post(self, request):
        data = PasswordResetConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reset_password(
            uidb64=data.validated_data["uid"], token=data.validated_data["token"],
            new_password=data.validated_data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
