"""The one way a prescription file leaves the shop: storefront, API and admin downloads all call
serve_prescription_file, so who may see a file and which headers protect it are decided once.

Its owner or a pharmacist may download it; anyone else gets Prescription.DoesNotExist, exactly as for
a missing one, and each interface turns that into its own 404. Health data: never cached, never sniffed.
"""

from django.http import FileResponse

from .models import Prescription
from .selectors import get_prescription_for_review, get_prescription_for_user
from .services import is_pharmacist

# Shown inline (admin), a crafted PDF or image must not run script or frame other pages.
INLINE_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"


def serve_prescription_file(*, user, prescription_id: int, inline: bool = False,
                            pharmacists_only: bool = False) -> FileResponse:
    if is_pharmacist(user):
        prescription = get_prescription_for_review(prescription_id=prescription_id)
    elif pharmacists_only:
        raise Prescription.DoesNotExist
    else:
        prescription = get_prescription_for_user(user=user, prescription_id=prescription_id)
    try:
        handle = prescription.file.open("rb")
    except OSError:
        raise Prescription.DoesNotExist from None
    response = FileResponse(handle, as_attachment=not inline, filename=prescription.original_filename,
                            content_type=prescription.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = INLINE_CONTENT_SECURITY_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
