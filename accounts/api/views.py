"""Account API: register, sign in for a token, sign out (one device or all), and who am I. Thin: validate, call one
service, serialize. Errors become problem documents in pharmacy.api."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.exceptions import InvalidCredentials, InvalidSecondFactor
from accounts.services import create_auth_token, register_user, revoke_all_auth_tokens, revoke_auth_token
from pharmacy.api_schema import problem_responses
from pharmacy.throttling import FailedAttemptThrottle, ScopedThrottle, default_throttles_and

from .serializers import (
    AuthTokenOutputSerializer,
    AuthTokenRevokeAllOutputSerializer,
    MeOutputSerializer,
    RegisterInputSerializer,
    SignInInputSerializer,
    UserOutputSerializer,
)

EXAMPLE_PASSWORD = "correct-horse-battery-staple"


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        summary="Create a shopper account",
        description="Then sign in with `POST /api/v1/auth/token/`. An e-mail address already registered "
        "is a 400 on `email`; a password the validators refuse is a 400 on `password`.",
        request=RegisterInputSerializer,
        responses={201: UserOutputSerializer, **problem_responses(400, 401, 403, 415)},
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
        user = register_user(**data.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


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
        "`otp_invalid` otherwise). Failed attempts are limited per client (scope `sign_in`); over the "
        "limit, a 429 with Retry-After.",
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
            token = create_auth_token(**data.validated_data)
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
