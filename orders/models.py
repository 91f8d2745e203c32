import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.models import LeafletRevision, LegalCategory, Pack
from pharmacy.money import Money

PHARMACISTS_GROUP = "Pharmacists"

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
    rejection_reason = models.TextField(blank=True)
    prescriber_address = models.CharField(max_length=300, blank=True)
    # The legal original (orders/services/originals.py): an upload lets a pharmacist approve, but only a
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

    class Meta:
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
        ]

    def __str__(self) -> str:
        return f"Prescription {self.pk} ({self.get_status_display()})"

    def get_download_url(self) -> str:
        return reverse("orders:prescription-file", kwargs={"pk": self.pk})


class PrescriptionItem(models.Model):
    """One medicine a prescription authorises: the pack names medicine, strength and form; `quantity`
    is in dosage units (tablets, capsules, mL), as prescribers write it."""

    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="items")
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    directions = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="prescription_item_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.pack} × {self.quantity} units"


class OrderStatus(models.TextChoices):
    AWAITING_PRESCRIPTION_REVIEW = "awaiting_prescription_review", "Awaiting pharmacist review"
    APPROVED = "approved", "Approved"
    DISPATCHED = "dispatched", "Dispatched"
    DELIVERED = "delivered", "Delivered"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


def new_order_number() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: numbers are read out on the phone
    return "PH-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=40, choices=OrderStatus.choices)
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=30)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="GB")
    currency = models.CharField(max_length=3)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    requires_prescription = models.BooleanField(default=False, editable=False)
    prescription = models.ForeignKey(
        Prescription, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    prescription_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prescription_approved_at = models.DateTimeField(null=True, blank=True)
    approved_by_registration = models.CharField(
        max_length=20, blank=True, help_text="The approving pharmacist's professional registration number."
    )
    idempotency_key = models.CharField(max_length=100)
    request_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="order_status_created")]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="order_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
            # The prescription gate, as a fact the database itself refuses to break.
            models.CheckConstraint(
                condition=Q(requires_prescription=False)
                | ~Q(status__in=["approved", "dispatched", "delivered"])
                | (Q(prescription_approved_by__isnull=False) & Q(prescription__isnull=False)),
                name="order_prescription_approved_before_release",
            ),
            models.CheckConstraint(
                condition=Q(requires_prescription=False) | Q(prescription__isnull=False),
                name="order_prescription_attached_when_required",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:order-detail", kwargs={"number": self.number})

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)

    @property
    def is_cancellable_by_shopper(self) -> bool:
        return self.status in (OrderStatus.AWAITING_PRESCRIPTION_REVIEW, OrderStatus.APPROVED)


class OrderAwaitingReview(Order):
    """The pharmacist's review queue in the admin (a view of Order, not a table)."""

    class Meta:
        proxy = True
        verbose_name = "order awaiting prescription review"
        verbose_name_plural = "prescription review queue"


class OrderLine(models.Model):
    """A snapshot of what was sold: historic orders never re-read the catalog."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=40)
    product_name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, help_text="e.g. Baclofen 10 mg tablets, 84 tablets")
    strength = models.CharField(max_length=100)
    dosage_form = models.CharField(max_length=50)
    pack_size = models.PositiveIntegerField()
    pack_unit = models.CharField(max_length=20)
    legal_category = models.CharField(max_length=20, choices=LegalCategory.choices)
    unit_price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    leaflet_revision = models.ForeignKey(LeafletRevision, on_delete=models.PROTECT, related_name="order_lines")

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def prescription_required(self) -> bool:
        return self.legal_category == LegalCategory.PRESCRIPTION

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_price_amount, self.order.currency)

    @property
    def line_total(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def units(self) -> int:
        return self.quantity * self.pack_size


class OrderEvent(models.Model):
    """The audit trail: every status change with who, when and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=40, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=40, choices=OrderStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order}: {self.from_status or 'placed'} → {self.to_status}"


class MessageKind(models.TextChoices):
    ORDER_PLACED = "order_placed", "Order confirmation"
    ORDER_APPROVED = "order_approved", "Order approved"
    ORDER_REJECTED = "order_rejected", "Order rejected"
    ORDER_DISPATCHED = "order_dispatched", "Order dispatched"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change it reports, so that it is
    never lost; a Celery task sends it after commit and marks it sent exactly once."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    recipient = models.EmailField()
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="outbox_one_message_per_order_and_kind"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.order} ({self.status})"
