"""What a medicine is: its product record, classification vocabularies, names and search document."""

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


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


class ProductFacts:
    """What a product's page, card and rules ask of it, from its slug, legal category and controlled-drug
    schedule: shared by the model and by the lean list's plain rows (catalog.listing.ProductSummary)."""

    __slots__ = ()

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", kwargs={"slug": self.slug})

    @property
    def prescription_required(self) -> bool:
        return self.legal_category == LegalCategory.PRESCRIPTION

    @property
    def is_controlled_drug(self) -> bool:
        return self.controlled_drug_schedule is not None


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        """Products matching `text`, annotated with `search_score`; see catalog.search (unordered)."""
        from .search import parse_query, rank_products  # catalog.search reads these models

        query = parse_query(text)
        return self if query.is_empty else rank_products(self, query)


class Product(ProductFacts, models.Model):
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
        "ATC code",
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]\d{2}[A-Z]{2}\d{2}$|^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$",
                "Enter a WHO ATC code such as M03BX01.",
            )
        ],
    )
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    indications = models.TextField(
        "used for",
        blank=True,
        help_text="What the medicine is for, as shoppers say it, separated by ';': 'hay fever; hives'. "
        "Searchable for general sale and pharmacy medicines only (never for prescription-only ones).",
    )
    minimum_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Youngest patient (in whole years) it may be sold for; empty for no limit.",
    )
    vat_rate = models.CharField(
        "VAT rate",
        max_length=10,
        choices=VatRate.choices,
        default=VatRate.STANDARD,
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
            models.Index(
                fields=["id"], include=["name"], condition=Q(is_active=True), name="catalog_product_active_idx"
            ),
            # The product list counts the active products. Every entry of this index has the same key, so
            # PostgreSQL stores it deduplicated at about a seventh of the index above, and the planner
            # counts from it (an index-only scan) instead of reading the whole table: 5 ms rather than 15-30
            # at 100,000 packs (bench/explain_catalog.py).
            models.Index(fields=["is_active"], condition=Q(is_active=True), name="catalog_product_count_idx"),
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

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    name_text = models.TextField()
    ingredient_text = models.TextField(blank=True)
    synonym_text = models.TextField(blank=True)
    indication_text = models.TextField(blank=True, help_text="Empty for prescription-only medicines (UK law).")
    all_names = models.TextField(blank=True, help_text="Name, ingredients and synonyms, for typo matching.")
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Its GIN indexes (full text on search_vector, trigram on each text field) are PostgreSQL-only, created
    # by migration 0002_postgresql_guards_and_search_indexes; SQLite scans this one small table instead.

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"
