"""The lean read of a product list: the storefront list and home page, search results and the API list.

A page of products is read as plain rows, one query per relation (products, packs with their
availability and strengths, categories), into small objects that hold exactly what a list shows. No model
instance is built and nothing is serialised through nested ModelSerializers: for a page of 20 products
with their packs, that building was most of an uncached request's time. The declared serializers
(catalog/api/serializers.py) stay the API's documentation, and a test keeps the JSON made from these
objects byte-identical to theirs.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.urls import reverse

from pharmacy.compiled_query import AmongIds, CompiledQuery
from pharmacy.money import Money

from .models import (
    ControlledDrugSchedule,
    DosageForm,
    LegalCategory,
    Pack,
    Product,
    ProductFacts,
    pack_display_name,
    strength_label,
    usable_expiry_after,
)

_SLUG = "product-slug"  # a stand-in reversed once: a slug needs no quoting in a path
PRODUCT_FIELDS = ("id", "name", "slug", "legal_category", "controlled_drug_schedule", "dosage_form", "route",
                  "atc_code")
PACK_FIELDS = ("id", "product_id", "sku", "gtin", "pzn", "pack_size", "pack_unit", "price_amount", "currency",
               "max_per_order", "stock_available")


@dataclass(slots=True)
class PackSummary:
    """A pack as a list shows it; the same names as Pack's for what templates and the API read."""

    id: int
    product_id: int
    sku: str
    gtin: str | None
    pzn: str | None
    pack_size: int
    pack_unit: str
    price_amount: Decimal
    currency: str
    max_per_order: int | None
    stock_available: int
    strength_label: str = ""
    display_name: str = ""

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    @property
    def in_stock(self) -> bool:
        return self.stock_available > 0


@dataclass(slots=True)
class ProductSummary(ProductFacts):
    """A product as a list shows it: its own columns, its categories' slugs (when read: see
    product_summaries) and its active packs (in the search's pack order); `search_strong` as the ranked
    search found it."""

    id: int
    name: str
    slug: str
    legal_category: str
    controlled_drug_schedule: int | None
    dosage_form: str
    route: str
    atc_code: str
    categories: list[str] = field(default_factory=list)
    packs: list[PackSummary] = field(default_factory=list)
    search_strong: bool = False
    url: str = ""  # its page, from a prefix reversed once per list rather than once per product

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def pk(self) -> int:
        return self.id


    def get_legal_category_display(self) -> str:
        return str(LegalCategory(self.legal_category).label)

    def get_controlled_drug_schedule_display(self) -> str:
        schedule = self.controlled_drug_schedule
        return "" if schedule is None else str(ControlledDrugSchedule(schedule).label)


# The relations' queries compiled once per process (pharmacy.compiled_query): building and compiling them
# cost more CPU than running them. Stand-ins no row has: an id list, a date.
_NO_IDS = [-4_242_424]
_NO_DATE = date(1901, 2, 3)
# A pack's strengths come with it, a row per strength (a pack without any: one row of NULLs), rather than
# from a query of their own: a statement less per page, for PostgreSQL and for Python.
_STRENGTH_FIELDS = ("strengths__amount", "strengths__unit", "strengths__per_amount", "strengths__per_unit")
_CATEGORIES = CompiledQuery(Product.categories.through, lambda *, product_ids: (
    Product.categories.through.objects.filter(AmongIds("product_id", product_ids)).order_by("category__name")
    .values_list("product_id", "category__slug")
), product_ids=_NO_IDS)
_PACKS_BY_ORDER: dict[Hashable, CompiledQuery] = {}  # a search's strengths order its packs: one query each
MAX_PACK_ORDERS = 256


def _packs_query(pack_ordering: list, pack_ordering_key: Hashable) -> CompiledQuery:
    query = _PACKS_BY_ORDER.get(pack_ordering_key)
    if query is None:
        if len(_PACKS_BY_ORDER) >= MAX_PACK_ORDERS:  # the strengths come from shoppers: keep the memory bounded
            _PACKS_BY_ORDER.clear()
        query = _PACKS_BY_ORDER[pack_ordering_key] = CompiledQuery(Pack, lambda *, product_ids, expiry_after: (
            Pack.objects.filter(AmongIds("product_id", product_ids), is_active=True)
            .with_availability(expiry_after=expiry_after)
            .order_by(*pack_ordering, "strengths__position", "strengths__pk")
            .values_list(*PACK_FIELDS, *_STRENGTH_FIELDS)
        ), product_ids=_NO_IDS, expiry_after=_NO_DATE)
    return query


def product_summaries(rows: list[dict], *, pack_ordering: list, pack_ordering_key: Hashable,
                      with_categories: bool = True) -> list[ProductSummary]:
    """ProductSummary objects, in the order of `rows` (dicts of PRODUCT_FIELDS, plus `search_strong` when
    ranked), with their active packs (and strengths) and, `with_categories`, their categories' slugs (the
    storefront's cards show none: left empty without): two queries whatever the number of rows, or one,
    each compiled once (`pack_ordering_key` names what `pack_ordering` depends on)."""
    products = [ProductSummary(**row) for row in rows]
    before_slug, after_slug = reverse("catalog:product-detail", kwargs={"slug": _SLUG}).split(_SLUG)
    for product in products:
        product.url = f"{before_slug}{product.slug}{after_slug}"
    by_id = {product.id: product for product in products}
    if not by_id:
        return products
    forms = {value: str(label) for value, label in DosageForm.choices}
    pack = None
    labels: list[str] = []
    packs_and_labels = []
    columns = len(PACK_FIELDS)
    for row in _packs_query(pack_ordering, pack_ordering_key).run(product_ids=list(by_id),
                                                                  expiry_after=usable_expiry_after()):
        if pack is None or row[0] != pack.id:  # the pack's first row (its strengths' rows are in a run)
            pack, labels = PackSummary(*row[:columns]), []
            packs_and_labels.append((pack, labels))
            by_id[pack.product_id].packs.append(pack)
        if row[columns] is not None:  # no strength: the row's strength columns are NULL
            labels.append(strength_label(*row[columns:]))
    for pack, labels in packs_and_labels:
        product = by_id[pack.product_id]
        pack.strength_label = "/".join(labels)
        pack.display_name = pack_display_name(
            product_name=product.name, form=forms.get(product.dosage_form, product.dosage_form),
            strength=pack.strength_label, pack_size=pack.pack_size, pack_unit=pack.pack_unit,
        )
    if with_categories:
        for product_id, slug in _CATEGORIES.run(product_ids=list(by_id)):
            by_id[product_id].categories.append(slug)
    return products
