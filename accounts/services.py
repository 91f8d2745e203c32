"""Account writes: registration and API tokens. Interfaces (API, storefront) call these."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from .exceptions import EmailAlreadyRegistered, InvalidCredentials, PasswordRejected
from .models import User


@transaction.atomic
def register_user(*, email: str, password: str, full_name: str = "") -> User:
    """A new shopper account. The password must pass every AUTH_PASSWORD_VALIDATORS check."""
    email = User.objects.normalize_email(email.strip()).lower()
    full_name = " ".join(full_name.split())
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered(field="email")
    try:
        # Validated against the unsaved user, so "too similar to your e-mail/name" works too.
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as rejection:
        raise PasswordRejected(" ".join(rejection.messages), field="password") from None
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError:
        # Two registrations for one address raced past the check above; the unique index decided.
        raise EmailAlreadyRegistered(field="email") from None


def create_auth_token(*, email: str, password: str) -> Token:
    """The API token of the account with these credentials (one per user, made on first sign-in)."""
    user = authenticate(email=email.strip(), password=password)
    if user is None:  # wrong e-mail, wrong password and inactive account all look the same
        raise InvalidCredentials()
    token, _ = Token.objects.get_or_create(user=user)
    return token


def revoke_auth_token(*, user: User) -> None:
    """Sign the user's API clients out: the token stops working at once."""
    Token.objects.filter(user=user).delete()
