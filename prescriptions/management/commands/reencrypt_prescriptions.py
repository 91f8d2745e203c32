"""Rewrite every stored prescription under the current key of PRESCRIPTION_ENCRYPTION_KEYS: files of an
older key are re-encrypted, files stored in plain (before encryption) are encrypted. Safe to run again.

    manage.py reencrypt_prescriptions            # after putting a new key first in the list
    manage.py reencrypt_prescriptions --new-key 2027-01   # prints a new "id:key" entry and exits
"""

from django.core.management.base import BaseCommand, CommandError

from pharmacy.encryption import PrescriptionDecryptionError, generate_key_entry
from prescriptions.services.encryption import (
    PrescriptionFileMismatch,
    list_prescriptions_with_files,
    reencrypt_prescription,
)


class Command(BaseCommand):
    help = "Re-encrypt stored prescriptions with the current key (and encrypt those stored in plain)."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", metavar="ID", help="print a new key entry to put first in the list")

    def handle(self, *args, new_key=None, **options):
        if new_key:
            self.stdout.write(generate_key_entry(new_key))
            return
        counts = {"current": 0, "reencrypted": 0, "encrypted": 0, "failed": 0}
        for prescription in list_prescriptions_with_files().iterator():
            try:
                counts[reencrypt_prescription(prescription=prescription)] += 1
            except (PrescriptionDecryptionError, PrescriptionFileMismatch, OSError) as error:
                counts["failed"] += 1
                self.stderr.write(f"prescription {prescription.pk}: {error}")
        self.stdout.write(
            f"{counts['reencrypted']} re-encrypted, {counts['encrypted']} encrypted from plain, "
            f"{counts['current']} already current, {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} prescription file(s) could not be re-encrypted")
