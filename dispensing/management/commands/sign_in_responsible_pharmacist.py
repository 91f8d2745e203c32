"""`python manage.py sign_in_responsible_pharmacist EMAIL` – for demos and local runs: signs the
pharmacist (who needs a pharmacist profile with a GPhC number) in as today's responsible pharmacist."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dispensing.services import sign_in_as_responsible_pharmacist
from pharmacy.exceptions import DomainError


class Command(BaseCommand):
    help = "Sign a registered pharmacist in as today's responsible pharmacist."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        try:
            entry = sign_in_as_responsible_pharmacist(pharmacist=user)
        except DomainError as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(self.style.SUCCESS(f"{user} is the responsible pharmacist since {entry.signed_in_at:%H:%M}."))
