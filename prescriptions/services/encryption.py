"""Re-encryption of stored prescriptions: after a key rotation, each file encrypted with an
older key, or without its name bound, or stored in plain before encryption existed, is rewritten under the
current key.

A new object is written first and the row then points at it; only then is the old one deleted, so a
crash leaves at worst an orphaned copy, never a row without its file.
"""

import hashlib
from typing import Literal

from django.core.files.base import ContentFile
from django.db import transaction

from pharmacy.encryption import binds_name, decrypt, get_key_ring, key_id_of

from ..models import Prescription, prescription_upload_path

Outcome = Literal["current", "reencrypted", "encrypted"]


class PrescriptionFileMismatch(Exception):
    """A plain file whose sha256 is not the one recorded at upload: left as it is, for a person to check."""


def reencrypt_prescription(*, prescription: Prescription) -> Outcome:
    storage = prescription.file.storage
    old_name = prescription.file.name
    ring = get_key_ring()
    blob = storage.read_raw(old_name)
    key_id = key_id_of(blob)
    if key_id == ring.current_id and binds_name(blob):
        return "current"
    plaintext = decrypt(blob, ring=ring, name=old_name) if key_id is not None else blob
    if hashlib.sha256(plaintext).hexdigest() != prescription.sha256:
        raise PrescriptionFileMismatch(f"prescription {prescription.pk}: the stored file is not the upload")
    # Saved through the storage, which encrypts under the current key bound to the new object's name.
    new_name = storage.save(prescription_upload_path(prescription, ""), ContentFile(plaintext))
    with transaction.atomic():
        moved = Prescription.objects.filter(pk=prescription.pk, file=old_name).update(file=new_name)
    if not moved:  # changed meanwhile: keep the row's file, drop our copy
        storage.delete(new_name)
        return "current"
    storage.delete(old_name)
    prescription.file.name = new_name
    return "encrypted" if key_id is None else "reencrypted"


def list_prescriptions_with_files():
    return Prescription.objects.exclude(file="").order_by("pk")
