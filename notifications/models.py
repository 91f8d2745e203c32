from django.conf import settings
from django.db import models
from django.db.models import Q

from .registry import label_for

# The kinds sent every time they happen to an order (a refused line); every other kind is sent once per
# order. The registry cannot say this to the schema: the unique constraint below is fixed when the model is
# defined, before any app registers its kinds. So the stored values are listed here, and a system check
# (checks.py) requires them to be exactly the kinds registered with `each_time=True`.
EACH_TIME_KINDS = ["order_lines_refused"]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change it reports, so that it is
    never lost; a Celery task sends it after commit and marks it sent exactly once."""

    # A string reference: orders sits above the outbox, which imports no app.
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="messages", null=True, blank=True)
    # Account messages (verification, password reset) have a user and no order.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    # No choices: the kinds are those the apps register (registry.py), by their stored string value.
    kind = models.CharField(max_length=30)
    recipient = models.EmailField()
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_dispatched_at = models.DateTimeField(null=True, blank=True)
    # Beat's re-dispatch owns retries: it hands over pending messages whose next attempt is due.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends, outside any row lock; a duplicate task steps aside until it passes.
    sending_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when the outbox lived in orders: moving the model moved no data.
        db_table = "orders_outboxmessage"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_attempt"),
        ]
        constraints = [
            # One message of a kind per order, except a refused line: each refusal is a message of its own.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(order__isnull=False) & ~Q(kind__in=EACH_TIME_KINDS),
                name="outbox_one_message_per_order_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(user__isnull=False), name="outbox_message_has_order_or_user"
            ),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} for {self.order or self.user} ({self.status})"

    @property
    def kind_label(self) -> str:
        return label_for(self.kind)
