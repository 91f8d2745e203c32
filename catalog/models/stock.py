"""Stock counted per manufacturer's batch, and the availability expressions packs are annotated with."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

# Stock from before batches (migration catalog 0004, old import files) sits in one placeholder batch per
# pack until a stock take records its real batches. Its expiry is a placeholder too: it never blocks a sale.
LEGACY_BATCH_NUMBER = "LEGACY"
LEGACY_BATCH_EXPIRY = date(2099, 12, 31)


def usable_expiry_after():
    """Batches must expire after this date to be sold or dispatched: today plus STOCK_EXPIRY_MARGIN_DAYS,
    so nothing is supplied that expires during the treatment."""
    return timezone.localdate() + timedelta(days=settings.STOCK_EXPIRY_MARGIN_DAYS)


class StockBatchQuerySet(models.QuerySet):
    def usable(self, expiry_after: date | None = None):
        """Batches that may be sold and dispatched: not recalled and expiring after the margin
        (`expiry_after`, usable_expiry_after() unless given)."""
        return self.filter(recalled=False, expiry_date__gt=expiry_after or usable_expiry_after())

    def first_expiry_first_out(self):
        return self.order_by("expiry_date", "pk")


def sellable_on_hand_expression(pack_ref: str = "pk", *, expiry_after: date | None = None):
    """Units on hand in the usable batches of the pack at OuterRef(pack_ref), as a subquery (0 if none)."""
    usable = (
        StockBatch.objects.usable(expiry_after)
        .filter(pack_id=OuterRef(pack_ref))
        .order_by()
        .values("pack_id")
        .annotate(total=Sum("quantity_on_hand"))
        .values("total")
    )
    return Coalesce(Subquery(usable, output_field=models.IntegerField()), Value(0))


def available_quantity_expression(pack_ref: str = "pk", allocated: str = "allocated_quantity", *,
                                  expiry_after: date | None = None):
    """Sellable on hand less allocated, never below 0 (a recall or the margin can leave allocations
    uncovered: such orders wait for stock at dispatch)."""
    return Greatest(sellable_on_hand_expression(pack_ref, expiry_after=expiry_after) - F(allocated), Value(0),
                    output_field=models.IntegerField())


class StockBatch(models.Model):
    """Units of one pack from one manufacturer's batch (lot): what is on the shelf, counted per batch.

    Checkout allocates units of the pack without choosing a batch; dispatch picks batches
    first-expiry-first-out and records them on the order line, which is how a recall finds the patients.
    """

    pack = models.ForeignKey("catalog.Pack", on_delete=models.PROTECT, related_name="batches")
    batch_number = models.CharField(max_length=40, help_text="The batch (lot) number printed on the pack.")
    expiry_date = models.DateField()
    quantity_on_hand = models.PositiveIntegerField(default=0)
    recalled = models.BooleanField(default=False, editable=False)
    recalled_at = models.DateTimeField(null=True, blank=True, editable=False)
    recall_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StockBatchQuerySet.as_manager()

    class Meta:
        ordering = ["pack", "expiry_date", "pk"]
        verbose_name_plural = "stock batches"
        constraints = [
            models.UniqueConstraint(fields=["pack", "batch_number"], name="stock_batch_number_unique_per_pack"),
            models.CheckConstraint(
                condition=Q(quantity_on_hand__gte=0),
                name="stock_batch_on_hand_not_negative",
                violation_error_message="Stock on hand cannot be negative.",
            ),
            models.CheckConstraint(condition=~Q(batch_number=""), name="stock_batch_number_not_blank"),
            models.CheckConstraint(
                condition=(Q(recalled=False) & Q(recalled_at__isnull=True))
                | (Q(recalled=True) & Q(recalled_at__isnull=False)),
                name="stock_batch_recalled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack.sku} batch {self.batch_number} (exp. {self.expiry_date:%Y-%m-%d})"

    @property
    def is_usable(self) -> bool:
        return not self.recalled and self.expiry_date > usable_expiry_after()
