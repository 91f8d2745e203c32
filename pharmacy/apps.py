from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PharmacyConfig(AppConfig):
    name = "pharmacy"
    verbose_name = "Pharmacy"

    def ready(self):
        from .csrf import draw_csrf_strings_in_one_read
        from .log_context import connect_request_signals

        connect_request_signals()  # a request's id is cleared once its response is closed
        draw_csrf_strings_in_one_read()  # a CSRF secret or mask from one read of os.urandom, not 32


class PharmacyAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (pharmacy/admin_site.py): staff need a TOTP code too."""

    default = False  # pharmacy's own config stays PharmacyConfig
    default_site = "pharmacy.admin_site.PharmacyAdminSite"
