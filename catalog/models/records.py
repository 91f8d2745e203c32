"""Records written once about the catalog: reclassifications, import runs and clinical coverage reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .products import ControlledDrugSchedule, LegalCategory, Product


class ProductReclassification(models.Model):
    """The audit trail of a product's legal category and controlled-drug schedule: who changed them,
    when, why, from what and to what. Written only by catalog.reclassification; never edited."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reclassifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a change made by a catalog import.",
    )
    source = models.CharField(max_length=20, default="admin", help_text="admin, api or import")
    reason = models.TextField()
    old_legal_category = models.CharField(max_length=20, choices=LegalCategory.choices)
    new_legal_category = models.CharField(max_length=20, choices=LegalCategory.choices)
    old_controlled_drug_schedule = models.PositiveSmallIntegerField(
        choices=ControlledDrugSchedule.choices, null=True, blank=True
    )
    new_controlled_drug_schedule = models.PositiveSmallIntegerField(
        choices=ControlledDrugSchedule.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("reclassify_product", "Can change a product's legal category or controlled-drug schedule")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reclassification_has_reason")]

    def __str__(self) -> str:
        return f"{self.product}: {self.old_legal_category} → {self.new_legal_category}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A reclassification record is never changed.")
        super().save(*args, **kwargs)


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    DRY_RUN = "dry_run", "Checked (dry run)"
    INVALID = "invalid", "Invalid file: nothing imported"
    REFUSED = "refused", "Refused: nothing imported"


class ImportRun(models.Model):
    """One run of `import_catalog`, whatever its outcome: what operations staff and the metrics see of
    imports (when the catalog last changed, and whether imports fail). Written once, at the end."""

    file_name = models.CharField(max_length=255)
    outcome = models.CharField(max_length=10, choices=ImportOutcome.choices)
    rows = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0, help_text="Rows or cells the check refused.")
    products_created = models.PositiveIntegerField(default=0)
    products_updated = models.PositiveIntegerField(default=0)
    packs_created = models.PositiveIntegerField(default=0)
    packs_updated = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-finished_at", "-pk"]
        indexes = [models.Index(fields=["outcome", "finished_at"], name="import_run_outcome_finished")]

    def __str__(self) -> str:
        return f"{self.file_name}: {self.get_outcome_display()}"


class ClinicalCoverageReview(models.Model):
    """A medicine a catalog import brought in that the clinical rule table does not fully cover (see
    clinical.coverage): until a superintendent acknowledges it, its leaflet cannot be published while it is a
    pharmacy or prescription-only medicine. Written by catalog.coverage_reviews only; the acknowledgement is
    the audit (who, when, what they were told)."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="clinical_coverage_review")
    gaps = models.TextField(help_text="What the coverage report found missing when the import brought it in.")
    found_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="coverage_review_acknowledged_by_whom_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.gaps}"

    @property
    def is_pending(self) -> bool:
        return self.acknowledged_at is None
