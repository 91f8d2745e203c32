"""The prescription as evidence and authority: the uploaded file (private storage, encrypted), the
pharmacist's dispensing record, the medicines it authorises, its repeats and their issues, and the log of
every request for someone else's prescription file. The tables keep the names they had in orders (and,
for the access log, in patients)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.models import Pack
from orders.refusals import RefusalReason, shopper_reason


def _private_storage():
    # Resolved lazily so tests and deployments can point "private" elsewhere; it has no URL.
    return storages["private"]


def prescription_upload_path(instance: "Prescription", filename: str) -> str:
    # The stored name never reuses the shopper's file name: it is not trusted and may carry health data.
    return f"prescriptions/{instance.owner_id}/{secrets.token_hex(16)}"


class PrescriptionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted, awaiting a pharmacist"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PrescriptionSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded copy (not the legal original)"
    PAPER = "paper", "Paper original, received by post"
    ELECTRONIC = "electronic", "Electronic prescription, retrieved and verified (advanced electronic signature)"


class Prescription(models.Model):
    """An uploaded prescription: evidence for a pharmacist, who verifies it and records the dispensing
    details. Until approved it authorises nothing."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prescriptions")
    file = models.FileField(storage=_private_storage, upload_to=prescription_upload_path, max_length=200)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=PrescriptionStatus.choices, default=PrescriptionStatus.SUBMITTED)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The dispensing record, filled in by the pharmacist on approval.
    prescriber_name = models.CharField(max_length=200, blank=True)
    prescriber_registration = models.CharField(max_length=50, blank=True,
                                               help_text="e.g. GMC number (7 digits) or GPhC/NMC number")
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, help_text="Staff only: the pharmacist's note.")
    refusal_code = models.CharField(max_length=40, choices=RefusalReason.choices, blank=True,
                                    help_text="What the shopper is told when it is rejected (empty: \"contact us\").")
    prescriber_address = models.CharField(max_length=300, blank=True)
    # The patient the prescription names, recorded by the pharmacist with the dispensing record (and their
    # health record, from the order approved with it). Every order against it must be for that patient.
    patient_name = models.CharField(max_length=200, blank=True)
    patient_date_of_birth = models.DateField(null=True, blank=True)
    patient_record = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="prescriptions"
    )
    # The legal original (prescriptions/services/originals.py): an upload lets a pharmacist approve, but only a
    # received paper original, or a verified electronic prescription, lets a POM order be dispatched.
    source = models.CharField(max_length=20, choices=PrescriptionSource.choices, default=PrescriptionSource.UPLOAD)
    original_received_at = models.DateTimeField(null=True, blank=True)
    original_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    original_matches = models.BooleanField(
        null=True, blank=True, help_text="Did the original match what was approved? Empty until checked."
    )
    original_checked_note = models.TextField(blank=True)
    # An electronic prescription is the legal original only with its own identifier (the prescribing
    # service's prescription ID) and the pharmacist who retrieved it and checked its signature.
    electronic_prescription_id = models.CharField(
        "electronic prescription ID", max_length=40, blank=True,
        help_text="The prescribing service's identifier of the electronic prescription that was verified.",
    )
    # Repeats (prescriptions/services/repeats.py), recorded by the pharmacist with the dispensing record. An issue
    # is one dispensing, the first included; each order drawing on a repeatable prescription is one issue.
    repeatable = models.BooleanField(default=False)
    issues_authorised = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="How many times it may be dispensed in all, the first included. Empty on a repeatable "
        "prescription: the UK default (twice; oral contraceptives six times).",
    )
    repeat_interval_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The fewest days between one issue and the next."
    )

    class Meta:
        db_table = "orders_prescription"
        ordering = ["-uploaded_at", "-pk"]
        permissions = [("review_prescription", "Can approve or reject prescriptions and orders that need one")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(reviewed_by__isnull=False) & Q(issued_on__isnull=False) & Q(valid_until__isnull=False)
                   & ~Q(prescriber_name="") & ~Q(prescriber_registration="")),
                name="prescription_approved_has_dispensing_record",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | (Q(reviewed_by__isnull=False) & ~Q(rejection_reason="")),
                name="prescription_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(repeatable=True)
                | (Q(issues_authorised__isnull=True) & Q(repeat_interval_days__isnull=True)),
                name="prescription_repeat_terms_only_when_repeatable",
            ),
            models.CheckConstraint(
                condition=Q(repeatable=False) | Q(repeat_interval_days__gte=1),
                name="prescription_repeatable_has_interval",
            ),
            models.CheckConstraint(
                condition=Q(issues_authorised__isnull=True) | Q(issues_authorised__gte=2),
                name="prescription_issues_authorised_at_least_two",
            ),
            # An electronic original names its identifier and who checked it; one e-prescription is the
            # original of one prescription only.
            models.CheckConstraint(
                condition=~Q(source="electronic")
                | (~Q(electronic_prescription_id="") & Q(original_received_by__isnull=False)
                   & Q(original_received_at__isnull=False)),
                name="prescription_electronic_has_identifier_and_checker",
            ),
            models.UniqueConstraint(fields=["electronic_prescription_id"], condition=~Q(electronic_prescription_id=""),
                                    name="prescription_electronic_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Prescription {self.pk} ({self.get_status_display()})"

    def get_download_url(self) -> str:
        return reverse("prescriptions:prescription-file", kwargs={"pk": self.pk})

    @property
    def original_in_hand(self) -> bool:
        """May it authorise a supply? Only a checked paper original or a verified e-prescription
        (prescriptions.services.originals)."""
        return (self.source in (PrescriptionSource.PAPER, PrescriptionSource.ELECTRONIC)
                and self.original_received_at is not None and self.original_matches is True)

    @property
    def shopper_rejection_reason(self) -> str:
        """Why it was rejected, as the shopper reads it (never the pharmacist's note)."""
        return shopper_reason(self.refusal_code) if self.status == PrescriptionStatus.REJECTED else ""


# The longest gap between dosing days that structured directions take: four weeks (a monthly tablet is
# written as 28).
MAX_EVERY_DAYS = 28


class DoseUnit(models.TextChoices):
    MILLIGRAM = "mg", "mg"
    GRAM = "g", "g"
    MICROGRAM = "microgram", "microgram"
    MILLILITRE = "mL", "mL"
    TABLET = "tablet", "tablet(s)"
    CAPSULE = "capsule", "capsule(s)"


class PrescriptionItem(models.Model):
    """One medicine a prescription authorises: the pack names medicine, strength and form; `quantity`
    is in dosage units (tablets, capsules, mL), as prescribers write it. The structured directions (dose,
    unit, times a day, every how many days, or "as directed") let the clinical checks compute the daily dose."""

    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="items")
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    directions = models.CharField(max_length=300, blank=True)
    dose = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0.001"))])
    dose_unit = models.CharField(max_length=10, choices=DoseUnit.choices, blank=True)
    times_per_day = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    # The dose is taken on one day in every `every_days`: 1 daily, 7 once a week (methotrexate, a weekly
    # bisphosphonate). `times_per_day` counts the doses on such a day.
    every_days = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_EVERY_DAYS)],
        help_text="Days from one dosing day to the next: 1 every day, 7 once a week.")
    as_directed = models.BooleanField(default=False, help_text="The prescription says only \"as directed\".")

    class Meta:
        db_table = "orders_prescriptionitem"
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="prescription_item_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.pack} × {self.quantity} units"


class PrescriptionIssue(models.Model):
    """One dispensing of a repeatable prescription: the order that draws on it. An issue is live while
    its order is; a cancelled or rejected order frees it (nothing is deleted: the row stays as history).
    `number` is the issue's place among the live ones, 1 to the number authorised, taken under the
    prescription's row lock (the lowest free one)."""

    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="issues")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="prescription_issue")
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(help_text="When the order was placed: the interval runs from here.")

    class Meta:
        db_table = "orders_prescriptionissue"
        ordering = ["issued_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="prescription_issue_number_positive")]

    def __str__(self) -> str:
        return f"Issue {self.number} of prescription {self.prescription_id} (order {self.order_id})"


class FileAccessChannel(models.TextChoices):
    ADMIN = "admin", "Admin: the prescription viewer"
    API = "api", "API: the prescription file download"
    STOREFRONT = "storefront", "Storefront: the prescription file link"


class PrescriptionFileAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Prescription file access log rows are immutable.")

    def delete(self):
        raise TypeError("Prescription file access log rows are immutable.")


class PrescriptionFileAccess(models.Model):
    """One request for someone else's prescription file: who, when, which file, how, and whether it was
    served (to a pharmacist with a second factor) or refused. Owners fetching their own are not logged.
    Append-only, like HealthRecordAccess."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prescription = models.ForeignKey(Prescription, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    prescription_reference = models.PositiveBigIntegerField(help_text="The prescription's id, kept when it is removed.")
    channel = models.CharField(max_length=20, choices=FileAccessChannel.choices)
    served = models.BooleanField(help_text="False: refused (not a pharmacist, or no second factor).")
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PrescriptionFileAccessQuerySet.as_manager()

    class Meta:
        db_table = "patients_prescriptionfileaccess"
        ordering = ["-accessed_at", "-pk"]
        verbose_name = "prescription file access"
        verbose_name_plural = "prescription file accesses"

    def __str__(self) -> str:
        outcome = "viewed" if self.served else "was refused"
        return f"{self.user} {outcome} prescription {self.prescription_reference} ({self.get_channel_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Prescription file access log rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Prescription file access log rows are immutable.")
