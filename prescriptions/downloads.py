"""The one way a prescription file leaves the shop: storefront, API and admin downloads all call
serve_prescription_file, so who may see a file and which headers protect it are decided once.

Its owner may download it anywhere but the admin. Anyone else's file goes only to a pharmacist who
came with a second factor (a token issued with a TOTP code, or an OTP-verified admin session); the
interface says whether the request has one, and the storefront never claims it. Every request for
someone else's file is logged, served or refused (prescriptions.access). A refused request gets
Prescription.DoesNotExist, exactly as for a missing file, and each interface turns that into its own
404. Health data: never cached, never sniffed.
"""

import hashlib
import io
import logging

from django.http import FileResponse

from accounts.roles import is_pharmacist
from pharmacy.encryption import PrescriptionDecryptionError

from .access import log_prescription_file_access
from .models import FileAccessChannel, Prescription
from .selectors import get_prescription_for_review, list_prescriptions_for_user

logger = logging.getLogger(__name__)

# Shown inline (admin), a crafted PDF or image must not run script or frame other pages.
INLINE_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"


def serve_prescription_file(*, user, prescription_id: int, channel: FileAccessChannel, second_factor: bool = False,
                            inline: bool = False, pharmacists_only: bool = False) -> FileResponse:
    prescription = None
    if not pharmacists_only:
        prescription = list_prescriptions_for_user(user=user).filter(pk=prescription_id).first()
    if prescription is None:
        prescription = _someone_elses_file(user=user, prescription_id=prescription_id, channel=channel,
                                           second_factor=second_factor)
    content = _stored_content(prescription)
    response = FileResponse(io.BytesIO(content), as_attachment=not inline, filename=prescription.original_filename,
                            content_type=prescription.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = INLINE_CONTENT_SECURITY_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _someone_elses_file(*, user, prescription_id: int, channel: FileAccessChannel,
                        second_factor: bool) -> Prescription:
    prescription = get_prescription_for_review(prescription_id=prescription_id)  # DoesNotExist: a plain 404
    served = second_factor and is_pharmacist(user)
    log_prescription_file_access(user=user, prescription=prescription, channel=channel, served=served)
    if not served:
        logger.warning("Prescription file refused: user %s asked for prescription %s (%s, second factor: %s)",
                       user.pk, prescription.pk, channel, second_factor)
        raise Prescription.DoesNotExist
    return prescription


def _stored_content(prescription: Prescription) -> bytes:
    """The file as uploaded, or Prescription.DoesNotExist: a file missing, refused by the store (altered,
    moved from another name, in plain once every file is encrypted) or not the upload (its sha256)."""
    try:
        with prescription.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        raise Prescription.DoesNotExist from None
    except PrescriptionDecryptionError as refusal:
        logger.error("Prescription %s: its stored file was refused: %s", prescription.pk, refusal)
        raise Prescription.DoesNotExist from None
    if hashlib.sha256(content).hexdigest() != prescription.sha256:
        logger.error("Prescription %s: its stored file is not the upload (another sha256)", prescription.pk)
        raise Prescription.DoesNotExist
    return content
