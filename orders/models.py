import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.models import LeafletRevision, LegalCategory, Pack, StockBatch
from pharmacy.money import Money

from .refusals import RefusalReason, shopper_reason


class OrderStatus(models.TextChoices):
    # Placed with its stock allocated, waiting for the card to be authorised (payments app).
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    # P (pharmacy-only) and POM (prescription-only) lines both wait here for a pharmacist.
    AWAITING_REVIEW = "awaiting_review", "Awaiting pharmacist review"
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
    # Amounts include VAT: total = subtotal (the lines) + delivery; vat_amount is the VAT within total.
    subtotal_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    delivery_method = models.ForeignKey(
        "delivery.DeliveryMethod", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    delivery_method_name = models.CharField(max_length=100, blank=True, help_text="As chosen at checkout.")
    delivery_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    delivery_vat_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    vat_amount = models.DecimalField("VAT", max_digits=12, decimal_places=2, default=0,
                                     help_text="The VAT within the total: the lines' and the delivery's.")
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    requires_prescription = models.BooleanField(default=False, editable=False)
    prescription = models.ForeignKey(
        "prescriptions.Prescription", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    prescription_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prescription_approved_at = models.DateTimeField(null=True, blank=True)
    # Any P or POM line, or a major clinical alert on general-sale lines (CLINICAL_REVIEW_GSL_MAJOR_ALERTS):
    # a pharmacist releases the order (`released_by`), with or without a prescription.
    requires_pharmacist = models.BooleanField(default=False, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The pharmacist whose decision released the order for supply.",
    )
    # The patient the medicines are for: the account holder or someone they care for.
    patient_name = models.CharField(max_length=200, blank=True)
    patient_date_of_birth = models.DateField(null=True, blank=True)
    patient_is_account_holder = models.BooleanField(default=True)
    # The health record the order is for (patients); the fields above stay as the snapshot at placement.
    patient_record = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    # The one deadline of a waiting order (orders.services.deadlines): at it, the order is cancelled.
    review_deadline = models.DateTimeField(null=True, blank=True)
    # An approved order the release gate refuses for a reason time will not fix (orders.services.supply):
    # since when, and why; it waits in the "cannot supply" queue until staff supply less or cancel.
    cannot_supply_since = models.DateTimeField(null=True, blank=True)
    cannot_supply_reason = models.TextField(blank=True)
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
            models.CheckConstraint(condition=Q(delivery_amount__gte=0) & Q(subtotal_amount__gte=0)
                                   & Q(vat_amount__gte=0) & Q(delivery_vat_amount__gte=0),
                                   name="order_amounts_not_negative"),
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
            # Any P or POM line: released only by a pharmacist's decision (a P-only order has no prescription).
            models.CheckConstraint(
                condition=Q(requires_pharmacist=False)
                | ~Q(status__in=["approved", "dispatched", "delivered"])
                | Q(released_by__isnull=False),
                name="order_pharmacist_decision_before_release",
            ),
            models.CheckConstraint(condition=Q(requires_prescription=False) | Q(requires_pharmacist=True),
                                   name="order_prescription_implies_pharmacist"),
            # An order in the "cannot supply" queue always has its deadline, and says why it is there.
            models.CheckConstraint(
                condition=Q(cannot_supply_since__isnull=True)
                | (Q(review_deadline__isnull=False) & ~Q(cannot_supply_reason="")),
                name="order_cannot_supply_has_deadline_and_reason",
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
    def subtotal(self) -> Money:
        return Money(self.subtotal_amount, self.currency)

    @property
    def delivery(self) -> Money:
        return Money(self.delivery_amount, self.currency)

    @property
    def delivery_vat(self) -> Money:
        return Money(self.delivery_vat_amount, self.currency)

    @property
    def vat(self) -> Money:
        return Money(self.vat_amount, self.currency)

    @property
    def is_cancellable_by_shopper(self) -> bool:
        from .state_machine import CANCELLABLE_STATES  # the one list, derived from the transition table

        return self.status in CANCELLABLE_STATES

    @property
    def patient_display_name(self) -> str:
        """Who the medicines are for: the named patient, or the account holder the order is addressed to."""
        return self.patient_name or self.full_name

    @property
    def for_clinical_review(self) -> bool:
        """General-sale lines alone, sent to the pharmacist by a major clinical alert at checkout."""
        return self.requires_pharmacist and all(
            line.legal_category == LegalCategory.GENERAL_SALE for line in self.lines.all())

    @property
    def waiting_reason(self) -> str:
        """Why the order waits, in the shopper's words; empty when it does not wait."""
        if self.status != OrderStatus.AWAITING_REVIEW:
            return ""
        categories = {line.legal_category for line in self.lines.all() if line.decision == LineDecision.PENDING}
        reasons = []
        if LegalCategory.PRESCRIPTION in categories:
            reasons.append("a pharmacist must check your prescription")
        if LegalCategory.PHARMACY in categories:
            reasons.append("a pharmacist must review your answers for the pharmacy-only medicines")
        if not reasons and self.for_clinical_review:
            reasons.append("a pharmacist must check the clinical advice about your medicines")
        if not reasons:
            return ""
        return "Waiting because " + " and ".join(reasons) + "."


class LineDecision(models.TextChoices):
    NOT_NEEDED = "", "No pharmacist needed (general sale)"
    PENDING = "pending", "Awaiting pharmacist"
    APPROVED = "approved", "Approved by pharmacist"
    REFUSED = "refused", "Refused by pharmacist"


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
    # The rate this supply carried (0 for a dispensed prescription-only medicine) and the VAT within the
    # line's total, rounded per line (orders/services/vat.py).
    vat_rate = models.DecimalField("VAT rate", max_digits=5, decimal_places=4, default=0)
    vat_amount = models.DecimalField("VAT", max_digits=12, decimal_places=2, default=0)
    leaflet_revision = models.ForeignKey(LeafletRevision, on_delete=models.PROTECT, related_name="order_lines")
    # The shopper's consultation answers, as asked: [{"question", "answer_type", "answer"}, ...].
    consultation_answers = models.JSONField(default=list, blank=True)
    # The pharmacist's decision on a P or POM line (blank for general sale).
    decision = models.CharField(max_length=10, choices=LineDecision.choices, blank=True, default="")
    decision_reason = models.TextField(blank=True, help_text="Staff only: the pharmacist's note.")
    refusal_code = models.CharField(
        max_length=40, choices=RefusalReason.choices, blank=True,
        help_text="What the shopper is told when the line is refused (empty: \"contact us\").",
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Packs staff could not supply after all (orders.services.supply.supply_less): not sent, not charged.
    quantity_not_supplied = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(quantity_not_supplied__gte=0)
                                   & Q(quantity_not_supplied__lte=models.F("quantity")),
                                   name="order_line_shortfall_within_quantity"),
            models.CheckConstraint(
                condition=Q(decision__in=["", "pending"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="order_line_decision_has_pharmacist",
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(decision_reason=""), name="order_line_refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def prescription_required(self) -> bool:
        return self.legal_category == LegalCategory.PRESCRIPTION

    @property
    def needs_pharmacist(self) -> bool:
        return self.legal_category in (LegalCategory.PHARMACY, LegalCategory.PRESCRIPTION)

    @property
    def is_refused(self) -> bool:
        return self.decision == LineDecision.REFUSED

    @property
    def shopper_refusal_reason(self) -> str:
        """Why the line was refused, as the shopper reads it (never the pharmacist's note)."""
        return shopper_reason(self.refusal_code) if self.is_refused else ""

    @property
    def unit_price(self) -> Money:
        return Money(self.unit_price_amount, self.order.currency)

    @property
    def line_total(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def vat(self) -> Money:
        return Money(self.vat_amount, self.order.currency)

    @property
    def vat_rate_display(self) -> str:
        from .services.vat import percent

        return percent(self.vat_rate)

    @property
    def units(self) -> int:
        return self.quantity * self.pack_size

    @property
    def quantity_supplied(self) -> int:
        """Packs sent (or to send): the quantity ordered less any shortfall staff recorded."""
        return self.quantity - self.quantity_not_supplied

    @property
    def units_supplied(self) -> int:
        return self.quantity_supplied * self.pack_size


class OrderLineBatch(models.Model):
    """The batches a dispatched line was supplied from (batch number and expiry copied, as printed on
    the packs sent): how a recall finds the patients who received a batch."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="batches")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, related_name="order_line_batches")
    batch_number = models.CharField(max_length=40)
    expiry_date = models.DateField()
    quantity = models.PositiveIntegerField()
    dispatched_at = models.DateTimeField()

    class Meta:
        ordering = ["order_line", "expiry_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "batch"], name="order_line_batch_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_batch_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × batch {self.batch_number} (exp. {self.expiry_date:%Y-%m-%d})"


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
    """The outbox messages about an order (their builder: emails.build_order_email, registered with the
    outbox at OrdersConfig.ready()). The values are stored in the outbox and never change."""

    ORDER_PLACED = "order_placed", "Order confirmation"
    ORDER_APPROVED = "order_approved", "Order approved"
    ORDER_REJECTED = "order_rejected", "Order rejected"
    ORDER_DISPATCHED = "order_dispatched", "Order dispatched"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    ORDER_LINES_REFUSED = "order_lines_refused", "Items refused by the pharmacist"
    ORDER_EXPIRED = "order_expired", "Order cancelled: not reviewed in time"
    PAYMENT_EXPIRING = "payment_expiring", "Card authorisation about to lapse"
    PAYMENT_RETRY = "payment_retry", "Card authorisation ended: pay again"
    ORDER_PAYMENT_ENDED = "order_payment_ended", "Order cancelled: card authorisation ended"
    ORDER_SUPPLIED_LESS = "order_supplied_less", "Part of the order could not be supplied"


# Kinds sent every time they happen to an order (the others once per order, whatever the retries);
# registered `each_time` with the outbox, whose schema lists them too (notifications.models.EACH_TIME_KINDS).
EACH_TIME_MESSAGE_KINDS = [MessageKind.ORDER_LINES_REFUSED]
