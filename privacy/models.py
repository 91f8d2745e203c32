"""The privacy notice (immutable published revisions), the evidence of health-data consent, subject access
exports and the retention clock's runs."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from .exceptions import PrivacyNoticePublished


def _private_storage():
    # Resolved lazily, as the prescriptions' storage: tests and deployments point "private" elsewhere.
    return storages["private"]


def export_upload_path(instance: "DataExport", filename: str) -> str:
    return f"exports/{instance.user_id}/{secrets.token_hex(16)}.zip"


class PrivacyNoticeRevisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class PrivacyNoticeRevision(models.Model):
    """One version of the privacy notice. Drafts are edited freely; publishing freezes a revision for good,
    because each consent names the revision (and the words) the shopper was shown."""

    number = models.PositiveIntegerField(unique=True)
    effective_on = models.DateField(help_text="The date printed on the notice: 'This notice applies from'.")
    body = models.TextField(help_text="The notice, in paragraphs separated by a blank line; '## ' starts a heading.")
    consent_text = models.TextField(help_text="The words shown next to the unticked health-data consent box.")
    # A revision that changes what health data is used for asks every shopper again: consents given to
    # earlier revisions no longer count as current.
    asks_for_consent_again = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrivacyNoticeRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="privacy_notice_number_positive")]

    def __str__(self) -> str:
        return f"Privacy notice, revision {self.number} ({'published' if self.is_published else 'draft'})"

    def save(self, *args, **kwargs):
        self.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_published()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def refuse_if_published(self) -> None:
        """Publishing itself is an UPDATE of published_at (privacy.services), which does not come through here."""
        if self.pk and PrivacyNoticeRevision.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise PrivacyNoticePublished(
                f"Revision {self.number} of the privacy notice is published and cannot change; draft a new one."
            )

    def paragraphs(self) -> list[tuple[str, str]]:
        """The body as ("h2" or "p", text) blocks, for the page and the export (no HTML in the text)."""
        blocks = [block.strip() for block in self.body.replace("\r\n", "\n").split("\n\n") if block.strip()]
        return [
            ("h2", block[3:].strip()) if block.startswith("## ") else ("p", " ".join(block.split())) for block in blocks
        ]


class ConsentInterface(models.TextChoices):
    STOREFRONT = "storefront", "Storefront"
    API = "api", "API"


class HealthDataConsent(models.Model):
    """Evidence of an explicit consent to the use of health data: which notice revision and which words the
    shopper was shown, when, and through which interface. Withdrawal stops new orders that need it; it
    never deletes what the law requires us to keep. A new consent to a later revision ends the earlier one
    (`superseded_at`), which is not a withdrawal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_data_consents")
    notice = models.ForeignKey(PrivacyNoticeRevision, on_delete=models.PROTECT, related_name="consents")
    text_shown = models.TextField()
    given_at = models.DateTimeField()
    interface = models.CharField(max_length=20, choices=ConsentInterface.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = "health-data consent"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(withdrawn_at__isnull=True, superseded_at__isnull=True),
                name="health_data_consent_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(superseded_at__isnull=True),
                name="health_data_consent_withdrawn_or_superseded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} consented to notice {self.notice.number} on {self.given_at:%d %b %Y}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.superseded_at is None


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Requested"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired (deleted)"


RUNNING_EXPORT_STATUSES = [ExportStatus.PENDING, ExportStatus.BUILDING]


class DataExport(models.Model):
    """A subject access export: a ZIP of everything we hold about the shopper, built by a Celery task and
    fetched through a signed link that expires. One runs at a time per person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    interface = models.CharField(max_length=20, choices=ConsentInterface.choices)
    requested_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=_private_storage, upload_to=export_upload_path, max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=RUNNING_EXPORT_STATUSES),
                name="data_export_one_running_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk} for {self.user} ({self.get_status_display()})"


class RetentionRun(models.Model):
    """One night's application of the retention policy: what it changed, per kind of record."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    policy_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run of {self.started_at:%d %b %Y %H:%M}"


class RetentionRunCount(models.Model):
    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="counts")
    kind = models.CharField(max_length=50)
    action = models.CharField(max_length=20)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["run", "kind"], name="retention_run_count_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.count} ({self.action})"


class ErasureChannel(models.TextChoices):
    STOREFRONT = "storefront", "Storefront (account page)"
    API = "api", "API"
    EMAIL = "email", "E-mail to the pharmacy"
    POST = "post", "Letter"


class ErasureStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting the shopper's confirmation (e-mailed link)"
    RECEIVED = "received", "Received, to be answered by staff"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"


OPEN_ERASURE_STATUSES = [ErasureStatus.AWAITING_CONFIRMATION, ErasureStatus.RECEIVED]


class ErasureRequest(models.Model):
    """A request to erase an account (GDPR Art. 17), from the shopper (account page or API, confirmed by an
    e-mailed link) or received by e-mail or post and entered by staff, who answer it by `deadline` (one
    month from receipt, Art. 12(3)). The report says what was erased and what is kept, why and until when;
    it names no person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests")
    channel = models.CharField(max_length=20, choices=ErasureChannel.choices)
    status = models.CharField(max_length=30, choices=ErasureStatus.choices)
    received_on = models.DateField()
    deadline = models.DateField(help_text="One month after receipt: the request must be answered by then.")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The staff member who ran the erasure (empty when the shopper confirmed it).",
    )
    refusal_reason = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["deadline", "pk"]
        permissions = [("view_restricted", "Can view records restricted after an erasure (legal holds)")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status__in=OPEN_ERASURE_STATUSES), name="erasure_request_one_open_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display()}, answer by {self.deadline:%d %b %Y})"

    @property
    def completed_report(self) -> dict | None:
        return self.report or None
