"""What is sold and stocked: packs and the strengths of their active ingredients."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q

from pharmacy.money import Money

from ..identifiers import validate_gtin, validate_pzn
from .products import DosageForm, Ingredient, Product, StrengthUnit
from .stock import available_quantity_expression


class PackQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, product__is_active=True)

    def with_availability(self, expiry_after: date | None = None):
        """Annotate `stock_available`: units that can be sold now (see Pack.available_quantity), in the
        same query, so lists read it without a query per pack (`expiry_after`: see StockBatch usable())."""
        return self.annotate(stock_available=available_quantity_expression(expiry_after=expiry_after))

    def in_stock(self):
        return self.with_availability().filter(stock_available__gt=0)

    def with_details(self):
        return self.select_related("product").prefetch_related(
            Prefetch("strengths", queryset=Strength.objects.select_related("ingredient").order_by("position", "pk"))
        )


class Pack(models.Model):
    """What is sold and stocked: e.g. 'Baclofen 10 mg tablets, 84 tablets'."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="packs")
    sku = models.CharField(
        "SKU",
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", "Use capitals, digits and dashes.")],
    )
    gtin = models.CharField("GTIN", max_length=14, unique=True, null=True, blank=True, validators=[validate_gtin])
    pzn = models.CharField(
        "PZN",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_pzn],
        help_text="German Pharmazentralnummer, 8 digits with its check digit; optional.",
    )
    pack_size = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Count of tablets/capsules, or volume in the pack unit."
    )
    pack_unit = models.CharField(max_length=20, default="tablets", help_text="e.g. tablets, capsules, mL")
    price_amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, default=settings.PHARMACY_CURRENCY)
    # Units that live orders have allocated (placed, not yet dispatched, cancelled or refused). Changed
    # only by catalog.services under the pack's row lock; the units themselves stay in their batches
    # until dispatch picks them.
    allocated_quantity = models.PositiveIntegerField(default=0, editable=False)
    max_per_order = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Largest number of this pack one order may hold; empty for no limit.",
    )
    is_active = models.BooleanField(default=True)
    image = models.ImageField(upload_to="packs/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PackQuerySet.as_manager()

    class Meta:
        ordering = ["product__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated_quantity__gte=0),
                name="pack_allocated_not_negative",
                violation_error_message="Allocated stock cannot be negative.",
            ),
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="pack_price_not_negative"),
            models.CheckConstraint(condition=Q(pack_size__gte=1), name="pack_size_positive"),
            models.CheckConstraint(
                condition=Q(max_per_order__isnull=True) | Q(max_per_order__gte=1), name="pack_max_per_order_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    @property
    def strength_label(self) -> str:
        """'10 mg', '5 mg/5 mL', '8 mg/500 mg'. Reads the prefetched strengths (see with_details())."""
        return "/".join(strength.label for strength in self.strengths.all())

    @property
    def display_name(self) -> str:
        """'Baclofen 10 mg tablets, 84 tablets' from the product name and the pack's strengths."""
        form = self.product.dosage_form
        return pack_display_name(product_name=self.product.name, form=_FORM_LABELS.get(form, form),
                                 strength=self.strength_label, pack_size=self.pack_size, pack_unit=self.pack_unit)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("stock_available", None)  # a reloaded pack reads its availability afresh
        super().refresh_from_db(*args, **kwargs)

    @property
    def available_quantity(self) -> int:
        """Units that can be sold now: on hand in batches that are in date (beyond the expiry margin) and
        not recalled, less what live orders have allocated. Read from the `stock_available` annotation
        (PackQuerySet.with_availability) when present, else queried."""
        if "stock_available" not in self.__dict__:
            self.__dict__["stock_available"] = (
                Pack.objects.filter(pk=self.pk).with_availability().values_list("stock_available", flat=True).get()
            )
        return self.__dict__["stock_available"]

    @property
    def stock_quantity(self) -> int:
        """Kept for callers of the old single stock count: the units available to sell now."""
        return self.available_quantity

    @property
    def in_stock(self) -> bool:
        return self.available_quantity > 0


# What get_dosage_form_display() answers, looked up directly: Django builds a dict of the choices on every call,
# and a cart page names each pack twice (its row and the clinical checks).
_FORM_LABELS = {value: str(label) for value, label in DosageForm.choices}


def pack_display_name(*, product_name: str, form: str, strength: str, pack_size: int, pack_unit: str) -> str:
    """Pack.display_name from its parts, for the lists that read packs as plain rows (catalog.listing)."""
    base = product_name.removesuffix(" " + form) if product_name.endswith(" " + form) else product_name
    middle = f"{base} {strength} {form}" if strength else product_name
    return f"{middle}, {pack_size} {pack_unit}"


def strength_label(amount: Decimal, unit: str, per_amount: Decimal | None, per_unit: str) -> str:
    """Strength.label from its columns: '10 mg', '5 mg/5 mL'."""
    text = f"{_number(amount)} {unit}"
    if per_amount is not None:
        text += f"/{_number(per_amount)} {per_unit}"
    return text


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class Strength(models.Model):
    """The amount of one active ingredient in a pack: 10 mg, or 5 mg per 5 mL (`per_amount` + `per_unit`)."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="strengths")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="strengths")
    amount = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=10, choices=StrengthUnit.choices)
    per_amount = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    per_unit = models.CharField(max_length=10, choices=StrengthUnit.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="strength_amount_positive"),
            models.CheckConstraint(
                condition=(Q(per_amount__isnull=True) & Q(per_unit="")) | (Q(per_amount__gt=0) & ~Q(per_unit="")),
                name="strength_per_amount_and_unit_together",
            ),
            models.UniqueConstraint(fields=["pack", "ingredient"], name="strength_one_per_ingredient"),
        ]

    def __str__(self) -> str:
        return f"{self.ingredient} {self.label}"

    @property
    def label(self) -> str:
        return strength_label(self.amount, self.unit, self.per_amount, self.per_unit)
