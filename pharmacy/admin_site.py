"""The admin site: django-otp's OTPAdminSite under the usual name, so `admin:` URLs stay as they were.

Every member of staff can reach patient data (orders, prescriptions), so every one of them needs a
confirmed TOTP device and a code at sign-in (`manage.py enrol_otp_device --email …` makes the first).
INSTALLED_APPS names pharmacy.apps.PharmacyAdminConfig in place of "django.contrib.admin".
"""

from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from .locks import totp_devices_for_update


class PharmacyAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """E-mail, password and code on one page. django-otp asks to pick a device first; staff here have
    one authenticator, so with no choice made the user's only confirmed TOTP device is the one."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            only = totp_devices_for_update(user=user, confirmed=True, limit=2)
            device = only[0] if len(only) == 1 else None
        return device


class PharmacyAdminSite(OTPAdminSite):
    login_form = PharmacyAdminAuthenticationForm

    def __init__(self, name: str = "admin"):
        super().__init__(name)
