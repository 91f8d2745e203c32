"""Storefront prescription forms: shape and types only (the rules are in prescriptions.services)."""

from django import forms
from django.conf import settings

from pharmacy.exceptions import DomainError

ACCEPTED_FILE_TYPES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def upload_help_text() -> str:
    limit_mb = settings.PRESCRIPTION_MAX_UPLOAD_BYTES // (1024 * 1024)
    return f"A PDF, or a JPEG or PNG photo or scan, up to {limit_mb} MB."


class PrescriptionUploadForm(forms.Form):
    file = forms.FileField(
        label="Prescription file", widget=forms.FileInput(attrs={"accept": ACCEPTED_FILE_TYPES})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help_text()

    def add_refusal(self, refusal: DomainError) -> None:
        self.add_error("file" if refusal.field == "file" else None, refusal.message)
