"""Account API: register, sign in for a token, sign out (one device or all), who am I, e-mail verification
and password reset. Thin: validate, call one service, serialize. Errors become problem documents in
pharmacy.api. Register and password reset answer the same whether or not the address has an account. The
OpenAPI description is in docs.py."""

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
from pharmacy.throttling import FailedAttemptThrottle, ScopedThrottle, default_throttles_and

from . import docs
from .serializers import (
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


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @docs.auth_register
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

    @docs.auth_token_create
    def post(self, request):
        data = SignInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = create_auth_token(request=request, **data.validated_data)
        except (InvalidCredentials, InvalidSecondFactor):
            FailedAttemptThrottle().record_failure(request, self)
            raise
        return Response(AuthTokenOutputSerializer(token).data)

    @docs.auth_token_destroy
    def delete(self, request):
        if request.auth is not None:  # a session client has no token to revoke
            revoke_auth_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuthTokenAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.auth_token_all_destroy
    def delete(self, request):
        revoked = revoke_all_auth_tokens(user=request.user)
        return Response(AuthTokenRevokeAllOutputSerializer({"revoked": revoked}).data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.auth_me_retrieve
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)


class EmailVerificationConfirmApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @docs.auth_verify_email_confirm
    def post(self, request):
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = verify_email(uidb64=data.validated_data["uid"], token=data.validated_data["token"])
        return Response(UserOutputSerializer(user).data)


class EmailVerificationResendApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "register"

    @docs.auth_verify_email_resend
    def post(self, request):
        sent = send_email_verification(user=request.user)
        detail = f"We have sent a new link to {request.user.email}." if sent else "Your address is already confirmed."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class PasswordResetRequestApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "password_reset"

    @docs.auth_password_reset_request
    def post(self, request):
        data = PasswordResetRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        request_password_reset(email=data.validated_data["email"])
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "password_reset"

    @docs.auth_password_reset_confirm
    def post(self, request):
        data = PasswordResetConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reset_password(
            uidb64=data.validated_data["uid"], token=data.validated_data["token"],
            new_password=data.validated_data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
