"""API token authentication: knox's, except that staff tokens do not slide.

A shopper's token is renewed on each use (REST_KNOX's TOKEN_TTL, AUTO_REFRESH). A member of staff's
token lasts STAFF_TOKEN_TTL_HOURS from the moment it was issued with its second factor, however much it
is used, and then they sign in again with a fresh code. The limit is enforced here from the token's
creation time, so it also holds for a token issued before its user became staff.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


def staff_token_ttl() -> timedelta:
    return timedelta(hours=settings.STAFF_TOKEN_TTL_HOURS)


class TokenAuthentication(KnoxTokenAuthentication):
    def renew_token(self, auth_token) -> None:
        if auth_token.user.is_staff:
            return  # a fixed working day, never slid forward
        super().renew_token(auth_token)

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if user.is_staff and token.created + staff_token_ttl() <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("Token expired: staff sign in again with their authenticator code.")
        return user, token


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme stays knox's own (`Authorization: Token …`)."""

    target_class = "accounts.authentication.TokenAuthentication"
