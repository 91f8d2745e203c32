"""Account writes: registration and API tokens. Interfaces (API, storefront) call these."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from knox.models import AuthToken

from .exceptions import EmailAlreadyRegistered, InvalidCredentials, PasswordRejected
from .models import ApiTokenSecondFactor, User
from .second_factor import verify_second_factor


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


@dataclass(frozen=True)
class IssuedToken:
    """A new API token. `key` is shown once, here; the database keeps only its digest."""

    key: str
    user: User
    expiry: datetime | None
    second_factor: bool


def create_auth_token(*, email: str, password: str, otp_code: str = "") -> IssuedToken:
    """A new token for one device of the account with these credentials (knox: hashed, expiring,
    renewed on use). Staff must also give a current TOTP code; their token records that it was
    verified, which the pharmacist endpoints require."""
    user = authenticate(email=email.strip(), password=password)
    if user is None:  # wrong e-mail, wrong password and inactive account all look the same
        raise InvalidCredentials()
    device = verify_second_factor(user=user, otp_code=otp_code) if user.is_staff else None
    with transaction.atomic():
        token, key = AuthToken.objects.create(user=user)
        if device is not None:
            ApiTokenSecondFactor.objects.create(token=token, device=device)
    return IssuedToken(key=key, user=user, expiry=token.expiry, second_factor=device is not None)


def revoke_auth_token(*, token: AuthToken) -> None:
    """Sign one device out: this token stops working at once; the user's other devices stay signed in."""
    AuthToken.objects.filter(pk=token.pk).delete()


def revoke_all_auth_tokens(*, user: User) -> int:
    """Sign out everywhere: every API token of the user stops working. Returns how many there were."""
    _, deleted = AuthToken.objects.filter(user=user).delete()
    return deleted.get(AuthToken._meta.label, 0)
