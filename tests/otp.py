"""Second-factor helpers for tests: a known TOTP secret, the code it gives now, and verified tokens
and sessions, so tests that are not about the second factor can sign staff in the way the shop does."""

from binascii import unhexlify

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import ApiTokenSecondFactor

TEST_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, "1234567890" ×2


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The 6-digit code an authenticator app shows now for this secret (or `steps_ahead` steps later)."""
    return f"{totp(unhexlify(key_hex), drift=steps_ahead):06d}"


def device_for(user) -> TOTPDevice:
    """The user's confirmed TOTP device, enrolled with the test secret if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", key=TEST_TOTP_KEY_HEX)


def verified_token(user) -> tuple[AuthToken, str]:
    """A knox token for `user` marked as issued with a second factor, and its key."""
    token, key = AuthToken.objects.create(user=user)
    ApiTokenSecondFactor.objects.create(token=token, device=device_for(user))
    return token, key


def verify_session(client, user) -> None:
    """Mark a client already signed in as `user` as having passed the TOTP check (django_otp.login)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()
