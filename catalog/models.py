from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from pharmacy.money import Money

from .exceptions import LeafletRevisionPublished
from .identifiers import validate_gtin, validate_pzn


class LegalCategory(models.TextChoices):
    GENERAL_SALE = "general_sale", "General sale (GSL)"
    PHARMACY = "pharmacy", "Pharmacy only (P)"
    PRESCRIPTION = "prescription", "Prescription only (POM)"


class VatRate(models.TextChoices):
    """The product's VAT rate when sold over the counter; the rates themselves are the VAT_RATES setting.
    A dispensed prescription-only medicine is zero-rated whatever this says (orders/services/vat.py)."""

    STANDARD = "standard", "Standard rate"
    REDUCED = "reduced", "Reduced rate"
    ZERO = "zero", "Zero rate"


class ControlledDrugSchedule(models.IntegerChoices):
    SCHEDULE_1 = 1, "Schedule 1"
    SCHEDULE_2 = 2, "Schedule 2"
    SCHEDULE_3 = 3, "Schedule 3"
    SCHEDULE_4 = 4, "Schedule 4"
    SCHEDULE_5 = 5, "Schedule 5"


class DosageForm(models.TextChoices):
    TABLET = "tablet", "tablets"
    CAPSULE = "capsule", "capsules"
    ORAL_SOLUTION = "oral_solution", "oral solution"
    CREAM = "cream", "cream"
    INJECTION = "injection", "injection"


class Route(models.TextChoices):
    ORAL = "oral", "oral"
    TOPICAL = "topical", "topical"
    INTRATHECAL = "intrathecal", "intrathecal"


class StrengthUnit(models.TextChoices):
    MICROGRAM = "microgram", "microgram"
    MILLIGRAM = "mg", "mg"
    GRAM = "g", "g"
    MILLILITRE = "mL", "mL"
    UNIT = "unit", "unit"


class Category(models.Model):
    """A therapeutic area shoppers browse by, e.g. 'Pain relief' or 'Muscle and joint'."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Ingredient(models.Model):
    name = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        """Products matching `text`, annotated with `search_score`; see catalog.search (unordered)."""
        from .search import parse_query, rank_products  # catalog.search reads these models

        query = parse_query(text)
        return self if query.is_empty else rank_products(self, query)


class Product(models.Model):
    """A medicine as shoppers know it, e.g. 'Baclofen tablets'; its strengths and pack sizes are Packs.

    `prescription_required` is derived from the legal category and never stored, so the two can't disagree.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="A short, plain-language summary for shoppers.")
    legal_category = models.CharField(max_length=20, choices=LegalCategory.choices)
    controlled_drug_schedule = models.PositiveSmallIntegerField(
        choices=ControlledDrugSchedule.choices, null=True, blank=True
    )
    dosage_form = models.CharField(max_length=20, choices=DosageForm.choices)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.ORAL)
    atc_code = models.CharField(
        "ATC code", max_length=7, blank=True,
        validators=[RegexValidator(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$|^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$",
                                   "Enter a WHO ATC code such as M03BX01.")],
    )
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    indications = models.TextField(
        "used for", blank=True,
        help_text="What the medicine is for, as shoppers say it, separated by ';': 'hay fever; hives'. "
                  "Searchable for general sale and pharmacy medicines only (never for prescription-only ones).",
    )
    minimum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Youngest patient (in whole years) it may be sold for; empty for no limit.",
    )
    vat_rate = models.CharField(
        "VAT rate", max_length=10, choices=VatRate.choices, default=VatRate.STANDARD,
        help_text="For sales over the counter. Prescription-only medicines dispensed on a prescription are "
                  "zero-rated whatever this says.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Search ranks its matches by score, then name, joining each match to its product only to check
            # is_active and read name: from this index alone on PostgreSQL (an index-only nested loop), so a
            # search with hundreds of matches no longer scans the whole product table (catalog.selectors).
            models.Index(fields=["id"], include=["name"], condition=Q(is_active=True),
                         name="catalog_product_active_idx"),
        ]
        constraints = [
            # Schedule 1-4 controlled drugs are prescription-only by law; only Schedule 5 may be P or GSL.
            models.CheckConstraint(
                condition=Q(controlled_drug_schedule__isnull=True)
                | Q(controlled_drug_schedule=5)
                | Q(legal_category=LegalCategory.PRESCRIPTION),
                name="controlled_drug_schedule_1_to_4_is_prescription_only",
                violation_error_message="Controlled drugs in Schedules 1 to 4 are prescription-only by law.",
            ),
            models.CheckConstraint(
                condition=Q(legal_category__in=LegalCategory.values), name="product_legal_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", kwargs={"slug": self.slug})

    @property
    def prescription_required(self) -> bool:
        return self.legal_category == LegalCategory.PRESCRIPTION

    @property
    def is_controlled_drug(self) -> bool:
        return self.controlled_drug_schedule is not None


class PackQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, product__is_active=True)

    def with_availability(self):
        """Annotate `stock_available`: units that can be sold now (see Pack.available_quantity), in the
        same query, so lists read it without a query per pack."""
        return self.annotate(stock_available=available_quantity_expression())

    def in_stock(self):
        return self.with_availability().filter(stock_available__gt=0)

    def with_details(self):
        return self.select_related("product").prefetch_related(
            Prefetch("strengths", queryset=Strength.objects.select_related("ingredient").order_by("position", "pk"))
        )


class Pack(models.Model):
    """What is sold and stocked: e.g. 'Baclofen 10 mg tablets, 84 tablets'."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="packs")
    sku = models.CharField("SKU", max_length=40, unique=True,
                           validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", "Use capitals, digits and dashes.")])
    gtin = models.CharField("GTIN", max_length=14, unique=True, null=True, blank=True, validators=[validate_gtin])
    pzn = models.CharField("PZN", max_length=8, unique=True, null=True, blank=True, validators=[validate_pzn],
                           help_text="German Pharmazentralnummer, 8 digits with its check digit; optional.")
    pack_size = models.PositiveIntegerField(validators=[MinValueValidator(1)],
                                            help_text="Count of tablets/capsules, or volume in the pack unit.")
    pack_unit = models.CharField(max_length=20, default="tablets", help_text="e.g. tablets, capsules, mL")
    price_amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, default=settings.PHARMACY_CURRENCY)
    # Units that live orders have allocated (placed, not yet dispatched, cancelled or refused). Changed
    # only by catalog.services under the pack's row lock; the units themselves stay in their batches
    # until dispatch picks them.
    allocated_quantity = models.PositiveIntegerField(default=0, editable=False)
    max_per_order = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
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
            models.CheckConstraint(condition=Q(allocated_quantity__gte=0), name="pack_allocated_not_negative",
                                   violation_error_message="Allocated stock cannot be negative."),
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
        product_name = self.product.name
        form = self.product.get_dosage_form_display()
        base = product_name.removesuffix(" " + form) if product_name.endswith(" " + form) else product_name
        strength = self.strength_label
        middle = f"{base} {strength} {form}" if strength else product_name
        return f"{middle}, {self.pack_size} {self.pack_unit}"

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


# Stock from before batches (migration catalog 0004, old import files) sits in one placeholder batch per
# pack until a stock take records its real batches. Its expiry is a placeholder too: it never blocks a sale.
LEGACY_BATCH_NUMBER = "LEGACY"
LEGACY_BATCH_EXPIRY = date(2099, 12, 31)


def usable_expiry_after():
    """Batches must expire after this date to be sold or dispatched: today plus STOCK_EXPIRY_MARGIN_DAYS,
    so nothing is supplied that expires during the treatment."""
    return timezone.localdate() + timedelta(days=settings.STOCK_EXPIRY_MARGIN_DAYS)


class StockBatchQuerySet(models.QuerySet):
    def usable(self):
        """Batches that may be sold and dispatched: not recalled and expiring after the margin."""
        return self.filter(recalled=False, expiry_date__gt=usable_expiry_after())

    def first_expiry_first_out(self):
        return self.order_by("expiry_date", "pk")


def sellable_on_hand_expression(pack_ref: str = "pk"):
    """Units on hand in the usable batches of the pack at OuterRef(pack_ref), as a subquery (0 if none)."""
    usable = (
        StockBatch.objects.usable().filter(pack_id=OuterRef(pack_ref)).order_by()
        .values("pack_id").annotate(total=Sum("quantity_on_hand")).values("total")
    )
    return Coalesce(Subquery(usable, output_field=models.IntegerField()), Value(0))


def available_quantity_expression(pack_ref: str = "pk", allocated: str = "allocated_quantity"):
    """Sellable on hand less allocated, never below 0 (a recall or the margin can leave allocations
    uncovered: such orders wait for stock at dispatch)."""
    return Greatest(sellable_on_hand_expression(pack_ref) - F(allocated), Value(0),
                    output_field=models.IntegerField())


class StockBatch(models.Model):
    """Units of one pack from one manufacturer's batch (lot): what is on the shelf, counted per batch.

    Checkout allocates units of the pack without choosing a batch; dispatch picks batches
    first-expiry-first-out and records them on the order line, which is how a recall finds the patients.
    """

    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="batches")
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
            models.CheckConstraint(condition=Q(quantity_on_hand__gte=0), name="stock_batch_on_hand_not_negative",
                                   violation_error_message="Stock on hand cannot be negative."),
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

    @staticmethod
    def _number(value: Decimal) -> str:
        return format(value.normalize(), "f")

    @property
    def label(self) -> str:
        text = f"{self._number(self.amount)} {self.unit}"
        if self.per_amount is not None:
            text += f"/{self._number(self.per_amount)} {self.per_unit}"
        return text


class ProductSynonym(models.Model):
    """Another name a product is known by: a brand (Lioresal), or the US name of an ingredient
    (acetaminophen for paracetamol). Search finds the product by it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = "also known as"
        verbose_name_plural = "also known as"
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="product_synonym_unique")]

    def __str__(self) -> str:
        return self.name


class ProductSearchDocument(models.Model):
    """What search reads for one product, rebuilt by catalog.services.refresh_search_documents on every write
    path (admin, import, services, demo loader). Text fields are lower case, punctuation turned into spaces,
    with a space at each end, so ' baclofen' matches a word that starts with 'baclofen'. On PostgreSQL,
    `search_vector` (full text, weighted) and trigram GIN indexes make it fast and typo-tolerant."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True,
                                   related_name="search_document")
    name_text = models.TextField()
    ingredient_text = models.TextField(blank=True)
    synonym_text = models.TextField(blank=True)
    indication_text = models.TextField(blank=True, help_text="Empty for prescription-only medicines (UK law).")
    all_names = models.TextField(blank=True, help_text="Name, ingredients and synonyms, for typo matching.")
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Its GIN indexes (full text on search_vector, trigram on each text field) are PostgreSQL-only and are
    # created by migration 0007 on PostgreSQL alone; SQLite scans this one small table instead.

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"


class LeafletSectionKey(models.TextChoices):
    """The six headings of the EU package leaflet (QRD template), in order; stable keys map US labels too."""

    WHAT_IT_IS = "what_it_is", "What it is and what it is used for"
    BEFORE_YOU_TAKE = "before_you_take", "What you need to know before you take it"
    HOW_TO_TAKE = "how_to_take", "How to take it"
    SIDE_EFFECTS = "side_effects", "Possible side effects"
    STORAGE = "storage", "How to store it"
    CONTENTS = "contents", "Contents of the pack and other information"


LEAFLET_SECTION_ORDER = {key: index for index, key in enumerate(LeafletSectionKey.values)}


class LeafletRevisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_sections(self):
        return self.prefetch_related(Prefetch("sections", queryset=LeafletSection.objects.order_by("position")))


class LeafletRevision(models.Model):
    """One version of a product's patient information leaflet.

    Drafts are edited freely; publishing freezes a revision for good (see catalog.services), because
    order lines point at the exact revision a shopper received.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="leaflet_revisions")
    number = models.PositiveIntegerField()
    revised_on = models.DateField(help_text="'This leaflet was last revised in' date printed on the leaflet.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeafletRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="leaflet_revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="leaflet_revision_number_positive"),
        ]

    def __str__(self) -> str:
        state = "published" if self.is_published else "draft"
        return f"{self.product} leaflet, revision {self.number} ({state})"

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
        """Published revisions are immutable whoever asks: admin, import, shell. Publishing itself uses
        an UPDATE of published_at (catalog.services), which does not come through here."""
        if self.pk and LeafletRevision.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise LeafletRevisionPublished(
                f"Revision {self.number} of {self.product} is published and cannot change; "
                "draft a new revision instead."
            )


class LeafletSection(models.Model):
    revision = models.ForeignKey(LeafletRevision, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=30, choices=LeafletSectionKey.choices)
    heading = models.CharField(max_length=200, help_text="Heading as printed, e.g. '1. What Baclofen is ...'")
    body = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["revision", "key"], name="leaflet_section_key_unique")]

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        self.revision.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.revision.refuse_if_published()
        return super().delete(*args, **kwargs)


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Free text"
    CHOICE = "choice", "One of a list"


class ConsultationQuestionnaire(models.Model):
    """The pharmacist's questions for a pharmacy-only (P) medicine, asked at checkout; attached to
    products and/or to whole categories (a group of products)."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. Codeine-containing painkillers")
    products = models.ManyToManyField(Product, related_name="questionnaires", blank=True)
    categories = models.ManyToManyField(Category, related_name="questionnaires", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsultationQuestion(models.Model):
    questionnaire = models.ForeignKey(ConsultationQuestionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    answer_type = models.CharField(max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO)
    choices = models.TextField(blank=True, help_text="For 'one of a list': one choice per line.")
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(answer_type="choice") | ~Q(choices=""),
                                   name="consultation_choice_question_has_choices",
                                   violation_error_message="A 'one of a list' question needs its choices."),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        if self.answer_type == AnswerType.YES_NO:
            return ["yes", "no"]
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ProductReclassification(models.Model):
    """The audit trail of a product's legal category and controlled-drug schedule: who changed them,
    when, why, from what and to what. Written only by catalog.reclassification; never edited."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reclassifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="Empty for a change made by a catalog import.")
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
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
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
