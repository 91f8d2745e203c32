"""Catalog API shapes. Input serializers check query parameters; output serializers read rows the
selectors have already shaped, so none of them queries per row."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.listing import PackSummary, ProductSummary
from catalog.models import Category, LeafletRevision, LeafletSection, LegalCategory, Pack, Product

PRODUCT_ORDERINGS = ("relevance", "name", "-name", "created_at", "-created_at")

SEARCH_HELP = (
    "What the shopper typed. Finds medicines by the start of any word of their name, active ingredient, "
    "brand or other name (`Lioresal`, `acetaminophen`) and, for general sale and pharmacy medicines only, "
    "what they are used for (`hay fever`, `heartburn`). A strength or form ranks the medicines and packs "
    "that have it first (`baclofen 10mg`, `10 mg baclofen`, `baclofen tablets`). An exact GTIN (leading "
    "zeros optional), SKU or PZN returns only its product, with that pack first (`matched_pack`). On "
    "PostgreSQL, typos are forgiven (`baclofn`). Results are most relevant first unless `ordering` is given."
)


class ProductListFilterInputSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=SEARCH_HELP)
    category = serializers.SlugField(required=False, max_length=100, help_text="A category slug.")
    legal_category = serializers.ChoiceField(choices=LegalCategory.choices, required=False)
    in_stock = serializers.BooleanField(required=False,
                                        help_text="true: some pack is in stock; false: none is.")
    ordering = serializers.ChoiceField(
        choices=PRODUCT_ORDERINGS, required=False,
        help_text="Sort key; a leading '-' sorts descending. Default: `relevance` when searching, else `name` "
                  "(`relevance` without a search sorts by name).",
    )


class ProductSuggestInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, allow_blank=True, trim_whitespace=True,
                              help_text="The start of a medicine's name, ingredient or brand, as typed: `bac`.")


class ProductSuggestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class ProductSuggestOutputSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = ProductSuggestionOutputSerializer(many=True, help_text="At most 10, best first.")


class MoneyOutputSerializer(serializers.Serializer):
    """{"amount": "4.99", "currency": "GBP"}: a decimal string and an ISO 4217 code."""

    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(min_length=3, max_length=3)


class CategoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class PackOutputSerializer(serializers.ModelSerializer):
    # Stock counts are commercially sensitive: clients see only whether a pack is in stock.
    display_name = serializers.CharField(read_only=True)
    strength = serializers.CharField(source="strength_label", read_only=True,
                                     help_text="e.g. '10 mg', '5 mg/5 mL'.")
    price = MoneyOutputSerializer(read_only=True)
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Pack
        fields = ["id", "sku", "gtin", "pzn", "display_name", "strength", "pack_size", "pack_unit", "price",
                  "in_stock", "max_per_order"]


class ProductListOutputSerializer(serializers.ModelSerializer):
    prescription_required = serializers.BooleanField(read_only=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    packs = PackOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "slug", "legal_category", "prescription_required", "controlled_drug_schedule",
                  "dosage_form", "route", "atc_code", "categories", "packs"]


# The price's amount exactly as MoneyOutputSerializer writes it (quantised, as a string).
_PRICE_AMOUNT = MoneyOutputSerializer().fields["amount"]


def pack_list_data(pack: PackSummary) -> dict:
    """PackOutputSerializer's output for a lean PackSummary, key for key (a test keeps them identical)."""
    return {
        "id": pack.id, "sku": pack.sku, "gtin": pack.gtin, "pzn": pack.pzn, "display_name": pack.display_name,
        "strength": pack.strength_label, "pack_size": pack.pack_size, "pack_unit": pack.pack_unit,
        "price": {"amount": _PRICE_AMOUNT.to_representation(pack.price_amount), "currency": pack.currency},
        "in_stock": pack.in_stock, "max_per_order": pack.max_per_order,
    }


def product_list_data(product: ProductSummary) -> dict:
    """ProductListOutputSerializer's output for a lean ProductSummary, key for key: the API list's rows
    without building a nested serializer per product and pack. The declared serializer documents them."""
    return {
        "id": product.id, "name": product.name, "slug": product.slug, "legal_category": product.legal_category,
        "prescription_required": product.prescription_required,
        "controlled_drug_schedule": product.controlled_drug_schedule, "dosage_form": product.dosage_form,
        "route": product.route, "atc_code": product.atc_code, "categories": list(product.categories),
        "packs": [pack_list_data(pack) for pack in product.packs],
    }


class LeafletSectionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeafletSection
        fields = ["key", "heading", "body"]


class LeafletRevisionOutputSerializer(serializers.ModelSerializer):
    sections = LeafletSectionOutputSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = LeafletRevision
        fields = ["id", "product", "number", "revised_on", "published_at", "sections", "pdf_url"]

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, revision: LeafletRevision) -> str:
        url = reverse("api:leaflet-pdf", kwargs={"revision_id": revision.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProductDetailOutputSerializer(ProductListOutputSerializer):
    categories = CategoryOutputSerializer(many=True, read_only=True)
    current_leaflet = LeafletRevisionOutputSerializer(
        read_only=True, allow_null=True, help_text="The latest published leaflet; null if none yet."
    )

    class Meta(ProductListOutputSerializer.Meta):
        fields = ["id", "name", "slug", "description", "legal_category", "prescription_required",
                  "controlled_drug_schedule", "dosage_form", "route", "atc_code", "categories", "packs",
                  "current_leaflet"]
