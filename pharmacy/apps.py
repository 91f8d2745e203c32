from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PharmacyConfig(AppConfig):
    name = "pharmacy"
    verbose_name = "Pharmacy"

    def ready(self):
        from .log_context import connect_request_signals

        connect_request_signals()  # a request's id is cleared once its response is closed


class PharmacyAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (pharmacy/admin_site.py): staff need a TOTP code too."""

    default = False  # pharmacy's own config stays PharmacyConfig
    default_site = "pharmacy.admin_site.PharmacyAdminSite"
