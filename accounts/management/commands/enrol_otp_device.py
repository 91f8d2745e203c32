"""`python manage.py enrol_otp_device --email staff@example.org`: a first TOTP device for a member of staff.

Prints the secret (base32, for typing into an authenticator app) and the otpauth:// URI (for a QR
code) once; the admin never shows them again. Refused for non-staff and for staff who already have a device.
"""

from base64 import b32encode

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.second_factor import enrol_totp_device
from pharmacy.exceptions import DomainError


class Command(BaseCommand):
    help = "Enrol a first TOTP (authenticator app) device for a staff user who has none, and print its secret."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the staff user's e-mail address")
        parser.add_argument("--name", default="Authenticator app", help="a name for the device")

    def handle(self, *args, email: str, name: str, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the e-mail address {email}.") from None
        try:
            device = enrol_totp_device(user=user, name=name)
        except DomainError as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(self.style.SUCCESS(f"Enrolled a TOTP device for {user.email}."))
        self.stdout.write(f"Secret (base32): {b32encode(device.bin_key).decode()}")
        self.stdout.write(f"otpauth URI: {device.config_url}")
        self.stdout.write("Add it to an authenticator app now; it is not shown again.")
