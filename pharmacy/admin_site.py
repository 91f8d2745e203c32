"""The admin site: django-otp's OTPAdminSite under the usual name, so `admin:` URLs stay as they were.

Every member of staff can reach patient data (orders, prescriptions), so every one of them needs a
confirmed TOTP device and a code at sign-in (`manage.py enrol_otp_device --email …` makes the first).
INSTALLED_APPS names pharmacy.apps.PharmacyAdminConfig in place of "django.contrib.admin".
"""

from django_otp.admin import OTPAdminSite


class PharmacyAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin"):
        super().__init__(name)
