"""A payment is one card authorisation attempt for an order; its movements are the money that moved.

A Payment row is written (and committed) before the gateway is called: its unique (order, attempt_key)
is what makes a replayed checkout authorise once. Its amounts are a running summary of its movements;
the movements themselves are never edited or deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from orders.models import Order


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Authorising"  # written before the gateway call; transitional
    REQUIRES_ACTION = "requires_action", "Waiting for the shopper's confirmation (3-D Secure)"
    AUTHORISED = "authorised", "Authorised"
    CAPTURED = "captured", "Captured"
    VOIDED = "voided", "Voided"
    REFUNDED = "refunded", "Refunded"  # every captured penny refunded
    FAILED = "failed", "Failed"


# A live authorisation holds money on the shopper's card; a transitional one waits for an answer.
LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.AUTHORISED,
                 PaymentStatus.CAPTURED)
TRANSITIONAL_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    attempt_key = models.CharField(max_length=120, help_text="The checkout or retry request this attempt answers.")
    gateway = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    currency = models.CharField(max_length=3)
    amount_authorised = models.DecimalField(max_digits=12, decimal_places=2)
    amount_captured = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    reference = models.CharField(max_length=100, blank=True, help_text="The gateway's id (a PaymentIntent id).")
    payment_method = models.CharField(
        max_length=100, blank=True,
        help_text="The gateway's token: a PaymentMethod id, or a test card's (test_card_4242). Never a card number.",
    )
    # Kept for future repeat-order checks (the same card on several accounts).
    card_fingerprint = models.CharField(max_length=100, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    capture_before = models.DateTimeField(null=True, blank=True)
    client_action = models.JSONField(default=dict, blank=True, help_text="What the shopper must do (3-D Secure).")
    failure_message = models.CharField(max_length=300, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True, help_text="A chargeback: staff must look at it.")
    expiry_warned_at = models.DateTimeField(null=True, blank=True,
                                            help_text="When the shopper and pharmacists were told it lapses soon.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("refund_payment", "Can refund a captured payment")]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt_key"], name="payment_attempt_unique"),
            models.UniqueConstraint(fields=["gateway", "reference"], condition=~Q(reference=""),
                                    name="payment_reference_unique"),
            models.CheckConstraint(condition=Q(amount_captured__lte=models.F("amount_authorised")),
                                   name="payment_captured_within_authorised"),
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("amount_captured")),
                                   name="payment_refunded_within_captured"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="payment_status_updated")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.amount_authorised} {self.currency} ({self.reference or 'pending'})"

    @property
    def amount_charged(self):
        """What the shopper is out of pocket: captured less refunded."""
        return self.amount_captured - self.amount_refunded


class MovementKind(models.TextChoices):
    AUTHORISED = "authorised", "Authorised"
    CAPTURED = "captured", "Captured"
    VOIDED = "voided", "Voided"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


class PaymentMovement(models.Model):
    """One thing the gateway did with the money. Written once, never edited or deleted."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=100, blank=True, help_text="The gateway's id for this movement.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_movement_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A payment movement is a record: it is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A payment movement is a record: it is never deleted.")


class WebhookEvent(models.Model):
    """A gateway event we processed: its id is unique, so a redelivered event is processed once."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class TestGatewayIntent(models.Model):
    """The built-in test gateway's own state (it has no server): one row per authorisation."""

    __test__ = False  # not a pytest test class, whatever its name says

    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=150, unique=True)
    card = models.CharField(max_length=4, help_text="The test card's last four digits: never its number.")
    status = models.CharField(max_length=30)  # requires_action, requires_capture, succeeded, canceled, failed
    amount = models.IntegerField(help_text="Minor units, as a gateway keeps them.")
    currency = models.CharField(max_length=3)
    amount_captured = models.IntegerField(default=0)
    amount_refunded = models.IntegerField(default=0)
    capture_before = models.DateTimeField(null=True, blank=True)
    refunds = models.JSONField(default=list, blank=True, help_text="[{id, idempotency_key, amount}]")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reference} {self.status}"
