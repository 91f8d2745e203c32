"""Every row lock on the kernel's shared third-party rows: staff's TOTP devices (django-otp), locked by
the admin's sign-in form here and by accounts.second_factor. Devices are locked in primary-key order, and
alone: no caller holds another row lock while taking them."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_devices_for_update(*, user, confirmed: bool | None, limit: int | None = None) -> list[TOTPDevice]:
    """The user's TOTP devices (`confirmed=None`: confirmed or not), locked, at most `limit` of them.
    list() forces the query: a lazy queryset takes no lock."""
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).order_by("pk").select_for_update()
    return list(devices if limit is None else devices[:limit])
