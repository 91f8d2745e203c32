"""The patient's health record: who the medicines are for (the account holder, or someone they care for)
and what the clinical checks need to know about them. The shopper edits it; staff views are logged."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Ingredient

from .vocabulary import Sex

MAX_PREGNANCY_WEEKS = 42


class Patient(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patients")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    # The account holder's own record: exactly one per account, made on demand from the account's name.
    is_account_holder = models.BooleanField(default=False)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    pregnant = models.BooleanField(default=False)
    pregnancy_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    breastfeeding = models.BooleanField(default=False)
    # Codes of patients.vocabulary.Condition and .AllergyClass: a list of strings, never renamed.
    conditions = models.JSONField(default=list, blank=True)
    allergy_classes = models.JSONField(default=list, blank=True)
    allergy_ingredients = models.ManyToManyField(Ingredient, blank=True, related_name="+")
    other_medicines = models.ManyToManyField(Ingredient, blank=True, related_name="+")
    # What the shopper takes that is not a known ingredient: for the pharmacist to read, never for rules.
    other_medicines_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_account_holder", "name", "pk"]
        permissions = [("view_health_record", "Can view patients' health records (each view is logged)")]
        constraints = [
            models.UniqueConstraint(fields=["owner"], condition=Q(is_account_holder=True),
                                    name="patient_one_account_holder_per_owner"),
            models.CheckConstraint(
                condition=Q(pregnancy_weeks__isnull=True)
                | Q(pregnant=True, pregnancy_weeks__gte=1, pregnancy_weeks__lte=MAX_PREGNANCY_WEEKS),
                name="patient_pregnancy_weeks_in_range",
            ),
            models.CheckConstraint(condition=~Q(sex=Sex.MALE, pregnant=True), name="patient_pregnant_not_male"),
            models.CheckConstraint(condition=~Q(sex=Sex.MALE, breastfeeding=True),
                                   name="patient_breastfeeding_not_male"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allergy_count(self) -> int:
        return len(self.allergy_classes) + len(self.allergy_ingredients.all())


class AccessChannel(models.TextChoices):
    ADMIN_RECORD = "admin_record", "Admin: the health record page"
    ADMIN_ORDER_REVIEW = "admin_order_review", "Admin: the order review page"
    API_ORDER_REVIEW = "api_order_review", "API: the pharmacist's order detail"
    ADMIN_ORDER_ALERTS = "admin_order_alerts", "Admin: the clinical alerts list"


class HealthRecordAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Health record access log rows are immutable.")

    def delete(self):
        raise TypeError("Health record access log rows are immutable.")


class HealthRecordAccess(models.Model):
    """One view of a health record, or of an order's health details (consultation answers, clinical alerts),
    by a member of staff: who, when, which record or order, and how. Append-only: a row is never changed or
    deleted, not even when the record it names is removed."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="accesses")
    patient_reference = models.PositiveBigIntegerField(
        null=True, blank=True,
        help_text="The record's id, kept when the record is removed; empty for an order's consultation answers "
        "and alerts given without a record.",
    )
    order_number = models.CharField(max_length=32, blank=True, help_text="The order under review, if any.")
    channel = models.CharField(max_length=30, choices=AccessChannel.choices)
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = HealthRecordAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name = "health record access"
        verbose_name_plural = "health record accesses"

    def __str__(self) -> str:
        seen = f"record {self.patient_reference}" if self.patient_reference else f"order {self.order_number}"
        return f"{self.staff} viewed {seen} ({self.get_channel_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Health record access log rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Health record access log rows are immutable.")
