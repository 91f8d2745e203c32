"""Account writes: registration, e-mail verification, password reset and API tokens. Interfaces (API,
storefront) call these.

None of them tells the caller whether an e-mail address has an account: sign-up and password reset
answer the same either way, and what differs (an account created or not, which e-mail is sent) only
reaches the address's owner, through the outbox.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.utils import reset as reset_sign_in_failures
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from notifications.services import record_account_message

from .authentication import staff_token_ttl
from .exceptions import AccountLocked, InvalidCredentials, InvalidLink, PasswordRejected
from .models import AccountMessageKind, ApiTokenSecondFactor, User
from .second_factor import verify_second_factor
from .sign_in_limits import cool_off_minutes, locked_message
from .tokens import decode_uid, email_verification_tokens, password_reset_tokens


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _check_password(password: str, *, user: User) -> None:
    try:
        # Validated against the (possibly unsaved) user, so "too similar to your e-mail/name" works too.
        validate_password(password, user=user)
    except ValidationError as rejection:
        raise PasswordRejected(" ".join(rejection.messages), field="password") from None


@transaction.atomic
def register_user(*, email: str, password: str, full_name: str = "") -> None:
    """Sign up. The password must pass every AUTH_PASSWORD_VALIDATORS check (refused the same way whether
    or not the address is taken). A new address gets an account and a link to confirm it; an address
    that already has an account gets an e-mail saying so, and nothing else changes. The caller cannot
    tell which happened: that is the point."""
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    _check_password(password, user=User(email=email, full_name=full_name))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Hashed and thrown away: a taken address takes as long to answer as a new one, so the time
        # of the answer does not tell which addresses have accounts.
        make_password(password)
        record_account_message(user=existing, kind=AccountMessageKind.SIGN_UP_ATTEMPT)
        return
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError:
        return  # two sign-ups for one address raced; the unique index decided, and the first one's e-mail went
    record_account_message(user=user, kind=AccountMessageKind.EMAIL_VERIFICATION)


@transaction.atomic
def send_email_verification(*, user: User) -> bool:
    """Send (again) the link that confirms the user's address. False if it is already confirmed."""
    if user.email_verified_at is not None:
        return False
    record_account_message(user=user, kind=AccountMessageKind.EMAIL_VERIFICATION)
    return True


def _user_from_link(uidb64: str, token: str, generator) -> User:
    user_id = decode_uid(uidb64)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id and user_id.isdigit() else None
    if user is None or not generator.check_token(user, token):
        raise InvalidLink(field="token")
    return user


@transaction.atomic
def verify_email(*, uidb64: str, token: str) -> User:
    """Confirm the address from the link the outbox sent. A used, expired or altered link is refused."""
    user = _user_from_link(uidb64, token, email_verification_tokens)
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    user.refresh_from_db(fields=["email_verified_at"])
    return user


@transaction.atomic
def request_password_reset(*, email: str) -> None:
    """Send a reset link if an active account has this address; otherwise do nothing. Same answer either way."""
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is not None and user.has_usable_password():
        record_account_message(user=user, kind=AccountMessageKind.PASSWORD_RESET)


def check_password_reset_link(*, uidb64: str, token: str) -> User:
    return _user_from_link(uidb64, token, password_reset_tokens)


@transaction.atomic
def reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link (which then stops working)."""
    user = check_password_reset_link(uidb64=uidb64, token=token)
    return complete_password_reset(user=user, new_password=new_password)


@transaction.atomic
def complete_password_reset(*, user: User, new_password: str) -> User:
    """The new password for a user whose reset link was checked (by reset_password, or the storefront's
    PasswordResetConfirmView): set it, count the address as verified, and clear failed sign-ins."""
    _check_password(new_password, user=user)
    user.set_password(new_password)
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save(update_fields=["password", "email_verified_at"])
    reset_sign_in_failures(username=user.email)  # a locked-out owner can sign in at once
    return user


@dataclass(frozen=True)
class IssuedToken:
    """A new API token. `key` is shown once, here; the database keeps only its digest."""

    key: str
    user: User
    expiry: datetime | None
    second_factor: bool


def create_auth_token(*, request, email: str, password: str, otp_code: str = "") -> IssuedToken:
    """A new token for one device of the account with these credentials (knox: hashed, expiring,
    renewed on use). Staff must also give a current TOTP code; their token records that it was
    verified, which the pharmacist endpoints require, and lasts STAFF_TOKEN_TTL_HOURS, never renewed.
    `request` lets django-axes count failures per client address and per account."""
    user = authenticate(request, username=email.strip(), password=password)
    if user is None:  # wrong e-mail, wrong password and inactive account all look the same
        if getattr(request, "axes_locked_out", False):
            raise AccountLocked(locked_message(), retry_after=cool_off_minutes() * 60)
        raise InvalidCredentials()
    device = verify_second_factor(user=user, otp_code=otp_code) if user.is_staff else None
    lifetime = {"expiry": staff_token_ttl()} if user.is_staff else {}  # shoppers: REST_KNOX's TOKEN_TTL
    with transaction.atomic():
        token, key = AuthToken.objects.create(user=user, **lifetime)
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
