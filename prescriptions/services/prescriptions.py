"""Prescriptions: the shopper's upload, and the pharmacist's decision with its dispensing record."""

import hashlib
import io
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.roles import is_pharmacist
from catalog.models import LegalCategory, Pack
from orders.exceptions import NotAPharmacist
from orders.models import Order
from orders.refusals import check_refusal_reason, staff_note
from pharmacy.images import check_image_dimensions

from ..exceptions import (
    InvalidDispensingRecord,
    PrescriptionExpired,
    PrescriptionFileTooLarge,
    PrescriptionFileType,
    PrescriptionNotUsable,
)
from ..locks import prescription_for_update
from ..models import MAX_EVERY_DAYS, DoseUnit, Prescription, PrescriptionItem, PrescriptionStatus
from .patient import check_named_patient_is_the_orders
from .repeats import check_repeat_terms

# What each accepted type's file starts with, and the names and MIME types a client may claim for it.
FILE_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
CLAIMED_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}


def ensure_pharmacist(user) -> None:
    if not is_pharmacist(user):
        raise NotAPharmacist("Only a pharmacist in the Pharmacists group can review prescriptions.")


def _sniff(head: bytes) -> str | None:
    for content_type, signatures in FILE_SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def _claimed_type(uploaded: UploadedFile) -> str | None:
    name = (uploaded.name or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    by_name = EXTENSIONS.get(extension)
    claimed = (getattr(uploaded, "content_type", None) or "").split(";")[0].strip().lower()
    claimed = CLAIMED_ALIASES.get(claimed, claimed)
    if claimed in FILE_SIGNATURES and by_name and claimed != by_name:
        raise PrescriptionFileType(
            f"The file name says {by_name} but the upload says {claimed}.", field="file"
        )
    return by_name or (claimed if claimed in FILE_SIGNATURES else None)


def _check_image(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    check_image_dimensions(data, field="file")  # raises ImageTooLarge: a 400, before any decoding
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PrescriptionFileType("The image is damaged or incomplete.", field="file") from None


@transaction.atomic
def submit_prescription(*, owner, uploaded_file: UploadedFile) -> Prescription:
    """Store an uploaded prescription privately, after checking its size and that its content is
    what its name and type claim (a PDF, PNG or JPEG)."""
    limit = settings.PRESCRIPTION_MAX_UPLOAD_BYTES
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise PrescriptionFileTooLarge(
            f"The file is {uploaded_file.size or 0:,} bytes; the limit is {limit:,} bytes ({limit // 1048576} MB).",
            field="file", limit=limit,
        )
    if uploaded_file.size == 0:
        raise PrescriptionFileType("The file is empty.", field="file")
    claimed = _claimed_type(uploaded_file)
    if claimed is None:
        raise PrescriptionFileType("Upload a PDF, JPEG or PNG file.", field="file")
    uploaded_file.seek(0)
    data = uploaded_file.read()
    actual = _sniff(data[:16])
    if actual != claimed:
        described = {"application/pdf": "a PDF", "image/png": "a PNG image", "image/jpeg": "a JPEG image"}
        raise PrescriptionFileType(
            f"The file claims to be {described[claimed]} but its content is "
            f"{described.get(actual, 'not a PDF, JPEG or PNG')}.",
            field="file",
        )
    if actual != "application/pdf":
        _check_image(data)
    prescription = Prescription(
        owner=owner,
        original_filename=(uploaded_file.name or "prescription")[-255:],
        content_type=actual,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    uploaded_file.seek(0)
    prescription.file.save("upload", uploaded_file, save=False)
    try:
        prescription.save()
    except Exception:
        # The row failed: do not leave a stray copy of someone's health data on disk.
        prescription.file.delete(save=False)
        raise
    return prescription


@dataclass(frozen=True)
class AuthorisedItem:
    pack: Pack
    quantity: int  # dosage units: tablets, capsules, mL
    directions: str = ""
    # Structured directions, for the clinical checks' daily dose: `dose` `dose_unit` `times_per_day` a day,
    # on one day in every `every_days` (1 daily, 7 weekly).
    dose: Decimal | None = None
    dose_unit: str = ""  # prescriptions.models.DoseUnit
    times_per_day: int | None = None
    as_directed: bool = False
    every_days: int = 1


@dataclass(frozen=True)
class DispensingRecord:
    prescriber_name: str
    prescriber_registration: str
    issued_on: date
    valid_until: date | None = None  # None: the longest the law allows from the date of issue
    items: list[AuthorisedItem] = field(default_factory=list)
    prescriber_address: str = ""  # required (the register records it); a default only for the field order
    # The patient the prescription names, as written on it (the order's health record is linked too).
    patient_name: str = ""
    patient_date_of_birth: date | None = None
    # Repeats (prescriptions/services/repeats.py): the number of issues in all (None: the UK default) and the
    # fewest days between issues.
    repeatable: bool = False
    issues_authorised: int | None = None
    repeat_interval_days: int | None = None


def _validity_days(record: DispensingRecord) -> int:
    controlled = any(
        item.pack.product.controlled_drug_schedule in (2, 3, 4) for item in record.items
    )
    return settings.CONTROLLED_PRESCRIPTION_VALIDITY_DAYS if controlled else settings.PRESCRIPTION_VALIDITY_DAYS


def _validate_structured_directions(item: AuthorisedItem, index: int) -> None:
    if item.dose is None:
        if item.dose_unit or item.times_per_day or item.every_days != 1:
            raise InvalidDispensingRecord("Enter the dose, or clear its unit, times a day and days between doses.",
                                          field=f"items[{index}].dose")
        return
    if item.as_directed:
        raise InvalidDispensingRecord('Give either a dose or "as directed", not both.', field=f"items[{index}].dose")
    if item.dose <= 0:
        raise InvalidDispensingRecord("The dose must be more than zero.", field=f"items[{index}].dose")
    if item.dose_unit not in DoseUnit.values:
        raise InvalidDispensingRecord("Choose the dose's unit (mg, mL, tablet...).", field=f"items[{index}].dose_unit")
    if not item.times_per_day or item.times_per_day < 1:
        raise InvalidDispensingRecord("Enter how many times a day.", field=f"items[{index}].times_per_day")
    if not 1 <= item.every_days <= MAX_EVERY_DAYS:
        raise InvalidDispensingRecord(f"Days between dosing days must be 1 (every day) to {MAX_EVERY_DAYS}.",
                                      field=f"items[{index}].every_days")


def default_valid_until(record: DispensingRecord) -> date:
    """Six months from the date of issue (PRESCRIPTION_VALIDITY_DAYS); 28 days when it authorises a
    Schedule 2 to 4 controlled drug."""
    return record.issued_on + timedelta(days=_validity_days(record))


def with_default_validity(record: DispensingRecord) -> DispensingRecord:
    """The record with its "valid until" filled in from the date of issue when the pharmacist left it out."""
    if record.valid_until is not None:
        return record
    return replace(record, valid_until=default_valid_until(record))


def validate_dispensing_record(record: DispensingRecord) -> None:
    """The one validation of a dispensing record, whichever face built it (the admin's review form, the
    pharmacist API). Raises InvalidDispensingRecord naming the field to correct."""
    record = with_default_validity(record)
    today = timezone.localdate()
    if not record.prescriber_name.strip():
        raise InvalidDispensingRecord("Enter the prescriber's name.", field="prescriber_name")
    if not record.prescriber_registration.strip():
        raise InvalidDispensingRecord("Enter the prescriber's registration number.", field="prescriber_registration")
    if not record.prescriber_address.strip():
        raise InvalidDispensingRecord("Enter the prescriber's address: the prescription register records it.",
                                      field="prescriber_address")
    if not record.patient_name.strip():
        raise InvalidDispensingRecord("Enter the patient's name as the prescription gives it.", field="patient_name")
    if record.patient_date_of_birth is None:
        raise InvalidDispensingRecord("Enter the patient's date of birth as the prescription gives it.",
                                      field="patient_date_of_birth")
    if record.patient_date_of_birth > today:
        raise InvalidDispensingRecord("The patient's date of birth cannot be in the future.",
                                      field="patient_date_of_birth")
    if record.issued_on > today:
        raise InvalidDispensingRecord("The issue date cannot be in the future.", field="issued_on")
    if record.valid_until < record.issued_on:
        raise InvalidDispensingRecord("The prescription cannot expire before it was issued.", field="valid_until")
    if not record.items:
        raise InvalidDispensingRecord("Record at least one medicine the prescription authorises.", field="items")
    for index, item in enumerate(record.items):
        if item.quantity < 1:
            raise InvalidDispensingRecord(
                "Each authorised quantity must be at least 1.", field=f"items[{index}].quantity"
            )
        _validate_structured_directions(item, index)
        if item.pack.product.legal_category != LegalCategory.PRESCRIPTION:
            raise InvalidDispensingRecord(
                f"{item.pack.display_name} is not a prescription-only medicine.", field=f"items[{index}].sku"
            )
    check_repeat_terms(repeatable=record.repeatable, issues_authorised=record.issues_authorised,
                       interval_days=record.repeat_interval_days, products=[item.pack.product for item in record.items])
    longest = default_valid_until(record)
    if record.valid_until > longest:
        raise InvalidDispensingRecord(
            f"This prescription can be valid until {longest:%d %B %Y} at the latest.", field="valid_until"
        )
    if record.valid_until < today:
        raise PrescriptionExpired(
            f"The prescription expired on {record.valid_until:%d %B %Y} and cannot be approved.", field="valid_until"
        )


@transaction.atomic
def approve_prescription(*, prescription: Prescription, pharmacist, record: DispensingRecord,
                         order: Order | None = None) -> Prescription:
    """With `order` (the order approved with it): the patient the record names must be the order's, and
    the prescription is tied to the order's health record."""
    ensure_pharmacist(pharmacist)
    prescription = prescription_for_update(prescription_id=prescription.pk)
    if prescription.status != PrescriptionStatus.SUBMITTED:
        raise PrescriptionNotUsable(
            f"This prescription was already {prescription.get_status_display().lower()}.", field="prescription"
        )
    record = with_default_validity(record)
    validate_dispensing_record(record)
    if order is not None:
        check_named_patient_is_the_orders(patient_name=record.patient_name,
                                          patient_date_of_birth=record.patient_date_of_birth, order=order)
    prescription.status = PrescriptionStatus.APPROVED
    prescription.prescriber_name = record.prescriber_name.strip()
    prescription.prescriber_registration = record.prescriber_registration.strip()
    prescription.prescriber_address = " ".join(record.prescriber_address.split())
    prescription.patient_name = " ".join(record.patient_name.split())
    prescription.patient_date_of_birth = record.patient_date_of_birth
    prescription.patient_record_id = order.patient_record_id if order is not None else None
    prescription.issued_on = record.issued_on
    prescription.valid_until = record.valid_until
    prescription.repeatable = record.repeatable
    prescription.issues_authorised = record.issues_authorised if record.repeatable else None
    prescription.repeat_interval_days = record.repeat_interval_days if record.repeatable else None
    prescription.reviewed_by = pharmacist
    prescription.reviewed_at = timezone.now()
    prescription.save()
    PrescriptionItem.objects.bulk_create(
        PrescriptionItem(prescription=prescription, pack=item.pack, quantity=item.quantity, directions=item.directions,
                         dose=item.dose, dose_unit=item.dose_unit if item.dose is not None else "",
                         times_per_day=item.times_per_day, as_directed=item.as_directed,
                         every_days=item.every_days)
        for item in record.items
    )
    return prescription


@transaction.atomic
def reject_prescription(*, prescription: Prescription, pharmacist, reason: str, note: str = "") -> Prescription:
    """`reason` is a RefusalReason code (what the shopper is told); `note` is for staff only."""
    ensure_pharmacist(pharmacist)
    reason = check_refusal_reason(reason)
    prescription = prescription_for_update(prescription_id=prescription.pk)
    if prescription.status != PrescriptionStatus.SUBMITTED:
        raise PrescriptionNotUsable(
            f"This prescription was already {prescription.get_status_display().lower()}.", field="prescription"
        )
    prescription.status = PrescriptionStatus.REJECTED
    prescription.refusal_code = reason
    prescription.rejection_reason = staff_note(note, reason)
    prescription.reviewed_by = pharmacist
    prescription.reviewed_at = timezone.now()
    prescription.save()
    return prescription
