"""`python manage.py load_demo_catalog`: the demo catalog and three demo logins, safe to run again.

The catalog data is in demo/catalog.yaml and demo/leaflets/*.md (read by demo/catalog_data.py);
demo/catalog_loader.py writes it. The command lives in the demo app, the top layer, because it also sets up
users, the Pharmacists group, purchase limits and delivery methods of the apps below it.
"""

import os
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import PHARMACISTS_GROUP
from accounts.second_factor import enrol_totp_device
from delivery.demo_data import load_demo_delivery_methods
from dispensing.models import PharmacistProfile
from safeguards.demo import load_demo_purchase_limits

from ... import catalog_data as demo_data
from ...catalog_loader import load_demo_catalog

# The demo staff logins' authenticator secret: published in the README, so demo-only, like the passwords.
# Base32 (what an authenticator app takes): OBUGC4TNMFRXSLLEMVWW6LJSMZQSCIJB
DEMO_TOTP_KEY_HEX = "706861726d6163792d64656d6f2d326661212121"
DEMO_TOTP_SECRET = "OBUGC4TNMFRXSLLEMVWW6LJSMZQSCIJB"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    password_env: str  # environment variable that may hold the password
    default_password: str
    is_staff: bool = False
    is_superuser: bool = False
    is_pharmacist: bool = False

    @property
    def option(self) -> str:
        return f"{self.role}_password"


DEMO_REGISTRATION = "2099999"  # not a real GPhC number

DEMO_LOGINS = (
    DemoLogin("admin", "admin@pharmacy.invalid", "Demo Admin", "DEMO_ADMIN_PASSWORD", "demo-admin-password",
              is_staff=True, is_superuser=True),
    DemoLogin("pharmacist", "pharmacist@pharmacy.invalid", "Demo Pharmacist", "DEMO_PHARMACIST_PASSWORD",
              "demo-pharmacist-password", is_staff=True, is_pharmacist=True),
    DemoLogin("shopper", "shopper@pharmacy.invalid", "Demo Shopper", "DEMO_SHOPPER_PASSWORD",
              "demo-shopper-password"),
)


class Command(BaseCommand):
    help = (
        "Load the demo catalog (13 products, 15 packs, their leaflets) and the demo logins admin@, "
        "pharmacist@ and shopper@pharmacy.invalid. Safe to run again: rows are updated in place, stock is "
        "set only for new packs, leaflets are republished only when their text changed, and passwords are "
        "set only for new users (or with --reset-passwords)."
    )

    def add_arguments(self, parser):
        for login in DEMO_LOGINS:
            parser.add_argument(
                f"--{login.role}-password", dest=login.option,
                default=os.environ.get(login.password_env, login.default_password),
                help=f"password for {login.email} (default: ${login.password_env}, "
                     f"else '{login.default_password}')",
            )
        parser.add_argument(
            "--reset-passwords", action="store_true",
            help="set the demo logins' passwords even if someone changed them since they were created",
        )

    def handle(self, *args, **options):
        if settings.PHARMACY_CURRENCY != demo_data.CURRENCY:
            raise CommandError(
                f"The demo catalog is priced in {demo_data.CURRENCY}, but PHARMACY_CURRENCY is "
                f"{settings.PHARMACY_CURRENCY}; carts cannot mix currencies."
            )
        loaded = load_demo_catalog()
        load_demo_purchase_limits()  # after the catalog: the limits name its ingredients
        load_demo_delivery_methods()
        reset = options["reset_passwords"]
        shown_passwords = {
            login.role: ensure_demo_login(login, password=options[login.option], reset=reset)
            for login in DEMO_LOGINS
        } if settings.DEMO_LOGINS_ALLOWED else None
        products = len(demo_data.PRODUCTS)
        packs = sum(len(product.packs) for product in demo_data.PRODUCTS)
        self.stdout.write(self.style.SUCCESS(
            f"Demo catalog loaded: {products} products ({loaded.products_created} new), {packs} packs "
            f"({loaded.packs_created} new), {loaded.leaflets_published} leaflet revisions published."
        ))
        if shown_passwords is None:
            self.stdout.write("Demo logins not created: DEMO_LOGINS_ALLOWED is off (production settings).")
        else:
            self.stdout.write(self.demo_logins_block(shown_passwords))

    def demo_logins_block(self, shown_passwords: dict[str, str | None]) -> str:
        lines = ["", "Demo logins (for trying the demo only; never keep these accounts on a public site):"]
        for login in DEMO_LOGINS:
            password = shown_passwords[login.role]
            if password is None:
                password = "(kept: it is not the one given here; --reset-passwords sets it)"
            lines.append(f"  {login.role:<11} {login.email:<28} password: {password}")
        lines.append(f"Staff also enter a code from an authenticator app set up with the secret {DEMO_TOTP_SECRET}.")
        lines.append(
            f"Staff sign in to the admin at {reverse('admin:index')}, and everyone to the shop at "
            f"{reverse('accounts:login')}."
        )
        return "\n".join(lines)


@transaction.atomic
def ensure_demo_login(login: DemoLogin, *, password: str, reset: bool) -> str | None:
    """Create or repair one demo user. Returns the password to print, or None when the user's password is
    not `password` any more: someone changed it, and only --reset-passwords may overwrite that."""
    user, created = get_user_model().objects.get_or_create(
        email__iexact=login.email, defaults={"email": login.email}
    )
    shown: str | None = password
    if created or reset:
        user.set_password(password)
    elif not user.check_password(password):
        shown = None
    user.full_name = user.full_name or login.full_name
    user.is_active = True
    user.email_verified_at = user.email_verified_at or timezone.now()  # demo addresses need no confirming
    user.is_staff = login.is_staff
    user.is_superuser = login.is_superuser
    user.save()
    if login.is_pharmacist:
        user.groups.add(Group.objects.get(name=PHARMACISTS_GROUP))
        # A pharmacist approves only with a registration number; a made-up demo one. They still
        # sign in as responsible pharmacist for the day (admin, or manage.py sign_in_responsible_pharmacist).
        PharmacistProfile.objects.get_or_create(user=user, defaults={"registration_number": DEMO_REGISTRATION})
    if login.is_staff and not TOTPDevice.objects.devices_for_user(user, confirmed=None).exists():
        enrol_totp_device(user=user, key_hex=DEMO_TOTP_KEY_HEX, name="Demo authenticator")
    return shown
