"""Staff's second factor (django-otp, TOTP): enrolling a first device, checking a code, and whether an
API token or session has one. Sign-in (accounts.services.create_auth_token), the pharmacist API
permission and the prescription file downloads use these; the admin uses django-otp's own OTPAdminSite."""

from binascii import unhexlify

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from pharmacy.locks import totp_devices_for_update

from .exceptions import InvalidSecondFactor, SecondFactorEnrolmentRefused, SecondFactorRequired
from .models import ApiTokenSecondFactor, User


@transaction.atomic
def enrol_totp_device(*, user: User, key_hex: str | None = None, name: str = "Authenticator app") -> TOTPDevice:
    """A first, confirmed TOTP device for a member of staff who has none. `key_hex` (40 hex digits)
    fixes the secret, as the demo logins do; otherwise it is random. The caller shows the secret once."""
    if not user.is_staff:
        raise SecondFactorEnrolmentRefused(f"{user.email} is not staff; only staff sign in with a second factor.")
    if totp_devices_for_update(user=user, confirmed=None):
        raise SecondFactorEnrolmentRefused(
            f"{user.email} already has an authenticator device; remove it in the admin to enrol a new one."
        )
    device = TOTPDevice(user=user, name=name, confirmed=True)
    if key_hex is not None:
        if len(key_hex) != 40:
            raise SecondFactorEnrolmentRefused("A TOTP secret is 40 hex digits (20 bytes).", field="key")
        unhexlify(key_hex)  # ValueError for non-hex: a programming error in the caller
        device.key = key_hex.lower()
    device.save()
    return device


def verify_second_factor(*, user: User, otp_code: str) -> TOTPDevice:
    """The user's confirmed TOTP device that accepts `otp_code` (each code works once).
    Wrong codes count against the device's own throttle, so they are kept, not rolled back."""
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    if not devices.exists():
        raise SecondFactorRequired(
            "This staff account has no authenticator yet; ask an administrator to enrol one "
            "(manage.py enrol_otp_device).",
            field="otp_code",
        )
    if not otp_code:
        raise SecondFactorRequired(field="otp_code")
    with transaction.atomic():
        accepted = next((device for device in totp_devices_for_update(user=user, confirmed=True)
                         if device.verify_token(otp_code)), None)
    if accepted is None:
        raise InvalidSecondFactor(field="otp_code")
    return accepted


def is_second_factor_verified(token) -> bool:
    """True for a knox token issued with a valid TOTP code (see create_auth_token)."""
    return isinstance(token, AuthToken) and ApiTokenSecondFactor.objects.filter(token=token).exists()


def request_has_second_factor(request) -> bool:
    """Whether this request comes with a second factor: an API token issued with a TOTP code, or a
    session that passed the admin's TOTP check (django-otp's middleware sets `user.is_verified`).
    A session signed in on the storefront with the password alone has none."""
    token = getattr(request, "auth", None)
    if token is not None:
        return is_second_factor_verified(token)
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())
