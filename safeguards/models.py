"""Purchase limits and warning signs: rules the shop configures in the admin, and what they found.

A PurchaseLimit caps packs of an ingredient (or ATC class) per customer or per delivery address over a
rolling window, or dosage units in one order. A WarningSignRule says when orders from several accounts
sharing an address, a phone number or a payment card raise a flag. OrderContact keeps each order's
address and phone in normalised form so those comparisons are one indexed query. OrderFlag is what a
pharmacist sees on the order."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Ingredient, LegalCategory
from orders.models import Order


class LimitKind(models.TextChoices):
    PACKS_PER_CUSTOMER = "packs_per_customer", "Packs per customer in a rolling window"
    PACKS_PER_ADDRESS = "packs_per_address", "Packs per delivery address in a rolling window"
    UNITS_PER_ORDER = "units_per_order", "Tablets or capsules of the subject in one order, across all packs"


class Enforcement(models.TextChoices):
    REFUSE_OR_FLAG = "refuse_or_flag", (
        "Refuse an order of general-sale items alone; place an order with a P or POM line and flag it"
    )
    REFUSE = "refuse", "Refuse every order past the limit"


class PurchaseLimit(models.Model):
    name = models.CharField(max_length=100, help_text="What the shopper reads in a refusal, e.g. 'Paracetamol'.")
    ingredient = models.ForeignKey(
        Ingredient, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Counts every pack containing this ingredient (co-codamol counts as paracetamol).",
    )
    atc_prefix = models.CharField(
        "ATC prefix", max_length=7, blank=True,
        validators=[RegexValidator(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$",
                                   "Enter a WHO ATC code or its start, such as N02AJ or N02BE01.")],
        help_text="Counts packs whose product's ATC code starts with this. With an ingredient too, a pack "
                  "must match both.",
    )
    applies_to_general_sale = models.BooleanField("general sale (GSL)", default=True)
    applies_to_pharmacy = models.BooleanField("pharmacy only (P)", default=True)
    applies_to_prescription = models.BooleanField(
        "prescription only (POM)", default=False,
        help_text="Off by default: a prescription authorises its own quantity.",
    )
    kind = models.CharField(max_length=20, choices=LimitKind.choices)
    maximum = models.PositiveIntegerField(validators=[MinValueValidator(1)],
                                          help_text="Packs, or tablets/capsules for a per-order limit.")
    window_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="The rolling window for packs per customer or address; empty for a per-order limit.",
    )
    enforcement = models.CharField(max_length=20, choices=Enforcement.choices, default=Enforcement.REFUSE_OR_FLAG)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ingredient__isnull=True, atc_prefix=""), name="purchase_limit_has_subject",
                violation_error_message="Choose an ingredient, an ATC prefix, or both.",
            ),
            models.CheckConstraint(
                condition=(Q(kind=LimitKind.UNITS_PER_ORDER) & Q(window_days__isnull=True))
                | (~Q(kind=LimitKind.UNITS_PER_ORDER) & Q(window_days__gte=1)),
                name="purchase_limit_window_matches_kind",
                violation_error_message="Packs per customer or address need a window in days; a per-order "
                                        "limit has none.",
            ),
            models.CheckConstraint(condition=Q(maximum__gte=1), name="purchase_limit_maximum_positive"),
            models.CheckConstraint(
                condition=Q(applies_to_general_sale=True) | Q(applies_to_pharmacy=True)
                | Q(applies_to_prescription=True),
                name="purchase_limit_applies_to_a_category",
                violation_error_message="Tick at least one legal category.",
            ),
        ]

    def __str__(self) -> str:
        window = f" in {self.window_days} days" if self.window_days else ""
        return f"{self.name}: {self.get_kind_display().split(' in ')[0].lower()} ≤ {self.maximum}{window}"

    @property
    def legal_categories(self) -> frozenset[str]:
        flags = {
            LegalCategory.GENERAL_SALE: self.applies_to_general_sale,
            LegalCategory.PHARMACY: self.applies_to_pharmacy,
            LegalCategory.PRESCRIPTION: self.applies_to_prescription,
        }
        return frozenset(str(category) for category, applies in flags.items() if applies)


class WarningSignKind(models.TextChoices):
    SHARED_ADDRESS = "shared_address", "Several accounts, one delivery address"
    SHARED_PHONE = "shared_phone", "Several accounts, one phone number"
    SHARED_CARD = "shared_card", "Several accounts, one payment card"


class WarningSignRule(models.Model):
    """One row per kind (migration 0001 creates them); a missing or inactive row checks nothing."""

    kind = models.CharField(max_length=20, choices=WarningSignKind.choices, unique=True)
    window_days = models.PositiveIntegerField(default=90, validators=[MinValueValidator(1)])
    accounts = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(2)],
        help_text="Flag an order when this many accounts (its own included) share the address, number or "
                  "card within the window.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.CheckConstraint(condition=Q(accounts__gte=2), name="warning_sign_accounts_at_least_2"),
                       models.CheckConstraint(condition=Q(window_days__gte=1), name="warning_sign_window_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.accounts} accounts in {self.window_days} days"


class OrderContact(models.Model):
    """The order's address, phone and (once paid) card, normalised for matching (safeguards.normalise)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, primary_key=True, related_name="safeguard_contact")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address_key = models.CharField(max_length=400)
    phone_key = models.CharField(max_length=40, blank=True)
    card_fingerprint = models.CharField(max_length=100, blank=True,
                                        help_text="The payment provider's fingerprint of the card, once paid.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address_key", "created_at"], name="contact_address_created"),
            models.Index(fields=["phone_key", "created_at"], name="contact_phone_created"),
            models.Index(fields=["card_fingerprint", "created_at"], name="contact_card_created"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.address_key}"


class FlagKind(models.TextChoices):
    PURCHASE_LIMIT = "purchase_limit", "Purchase limit exceeded"
    SHARED_ADDRESS = WarningSignKind.SHARED_ADDRESS.value, WarningSignKind.SHARED_ADDRESS.label
    SHARED_PHONE = WarningSignKind.SHARED_PHONE.value, WarningSignKind.SHARED_PHONE.label
    SHARED_CARD = WarningSignKind.SHARED_CARD.value, WarningSignKind.SHARED_CARD.label


class OrderFlag(models.Model):
    """Something the pharmacist should know before supplying: never shown to the shopper."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="safeguard_flags")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    message = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="order_flag_kind_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"
