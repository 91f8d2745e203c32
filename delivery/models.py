from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from pharmacy.money import Money


class DeliveryMethodQuerySet(models.QuerySet):
    def active(self) -> "DeliveryMethodQuerySet":
        return self.filter(is_active=True).order_by("position", "pk")


class DeliveryMethod(models.Model):
    """A way to get an order to the shopper (e.g. Royal Mail 48 or a next-day courier), and what it costs.

    Prices include VAT, like the catalog's. An order keeps its method's name and price as they were at
    checkout, so editing or retiring a method never changes a placed order.
    """

    code = models.CharField(
        max_length=30, unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]+$", "Use lower-case letters, digits and hyphens.")],
        help_text="Stable identifier used by the API, e.g. 'standard'.",
    )
    name = models.CharField(max_length=100, help_text="As shoppers see it, e.g. 'Standard delivery'.")
    description = models.CharField(max_length=200, blank=True, help_text="e.g. 'Royal Mail Tracked 48'.")
    estimated_days_min = models.PositiveSmallIntegerField(default=2, help_text="Working days, at the earliest.")
    estimated_days_max = models.PositiveSmallIntegerField(default=3, help_text="Working days, at the latest.")
    price_amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Including VAT.")
    currency = models.CharField(max_length=3, default="GBP")
    free_over_amount = models.DecimalField(
        "free over", max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="Free when the items' total (including VAT) is at least this; empty: never free.",
    )
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the checkout page; the first "
                                                "active method is the default.")

    objects = DeliveryMethodQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="delivery_price_not_negative"),
            models.CheckConstraint(condition=Q(free_over_amount__isnull=True) | Q(free_over_amount__gte=0),
                                   name="delivery_free_over_not_negative"),
            models.CheckConstraint(condition=Q(estimated_days_max__gte=models.F("estimated_days_min")),
                                   name="delivery_estimate_range_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    @property
    def free_over(self) -> Money | None:
        return Money(self.free_over_amount, self.currency) if self.free_over_amount is not None else None

    @property
    def free_over_display(self) -> str:
        """ "£30" rather than "£30.00", as shops write a threshold; "£29.50" stays as it is."""
        if self.free_over is None:
            return ""
        whole = self.free_over_amount == self.free_over_amount.to_integral_value()
        return str(self.free_over).removesuffix(".00") if whole else str(self.free_over)

    @property
    def estimate_display(self) -> str:
        if self.estimated_days_min == self.estimated_days_max:
            days = self.estimated_days_min
            return f"{days} working day{'s' if days != 1 else ''}"
        return f"{self.estimated_days_min} to {self.estimated_days_max} working days"

    def charge_for(self, subtotal: Money) -> Money:
        """The delivery charge for goods worth `subtotal` (including VAT)."""
        if self.free_over_amount is not None and subtotal.amount >= self.free_over_amount:
            return Money(Decimal("0.00"), self.currency)
        return self.price
