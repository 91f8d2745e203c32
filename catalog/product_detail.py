"""One product as its page and the API's detail show it, read with SQL compiled once per process.

Read through prefetch_related, the product page built and compiled six querysets on every request (the
product, its packs, their strengths, its categories, the current leaflet revision, its sections), which
took most of an uncached page's CPU, and each statement costs the database about as much again to parse
and plan. Here each read is a CompiledQuery (pharmacy.compiled_query), joined where a relation can be: the
product's row comes once per category with the id of its current leaflet revision, each pack's once per
strength with its ingredient, and the revision's once per section, so three statements in all. The
instances are attached where prefetch_related puts them, so callers read `product.packs.all()`,
`pack.strengths.all()`, `product.categories.all()` and `product.current_leaflet.sections.all()` without a
query, as before.

The product page reads the same three joins with only the columns it shows, into plain objects
(read_product_page: PageProduct, PagePack, PageLeaflet), as the lists read theirs (catalog.listing): for the
page, building the model instances with their related managers and prefetch caches, and parsing timestamps
it never shows, cost more CPU than running the statements.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import router
from django.db.models import Model, OuterRef, Subquery

from pharmacy.compiled_query import CompiledQuery
from pharmacy.exceptions import DomainError
from pharmacy.money import Money

from .models import (
    Category,
    ControlledDrugSchedule,
    DosageForm,
    Ingredient,
    LeafletRevision,
    LeafletSection,
    LegalCategory,
    Pack,
    Product,
    ProductFacts,
    Strength,
    pack_display_name,
    strength_label,
    usable_expiry_after,
)

# Stand-ins no row has (see CompiledQuery): an id, a slug, a date.
_NO_ID = -4_242_424
_NO_SLUG = "no-such-product-4242424"
_NO_DATE = date(1901, 2, 3)


def _columns(model: type[Model], path: str = "") -> list[str]:
    """The columns an instance of `model` is built from, as lookups from another model along `path`."""
    return [f"{path}{field.attname}" for field in model._meta.concrete_fields]


_PRODUCT_COLUMNS, _CATEGORY_COLUMNS = _columns(Product), _columns(Category)
_PACK_COLUMNS, _STRENGTH_COLUMNS, _INGREDIENT_COLUMNS = _columns(Pack), _columns(Strength), _columns(Ingredient)
_REVISION_COLUMNS, _SECTION_COLUMNS = _columns(LeafletRevision), _columns(LeafletSection)


def _active_product_rows(columns: tuple[str, ...], **lookup):
    """An active product's row once per category (by name; once with no category), with
    `current_leaflet_revision_id`, the id of its current leaflet revision, among `columns`."""
    current_leaflet = LeafletRevision.objects.published().filter(product_id=OuterRef("pk")).order_by("-number")
    return (Product.objects.active().filter(**lookup)
            .annotate(current_leaflet_revision_id=Subquery(current_leaflet.values("id")[:1]))
            .order_by("categories__name", "categories__id").values_list(*columns))


def _pack_rows(columns: tuple[str, ...], *, product_id, expiry_after):
    """Each active pack's row once per strength (by position; once with none), with `stock_available`, its
    availability, among `columns`."""
    return (Pack.objects.filter(product_id=product_id, is_active=True).with_availability(expiry_after=expiry_after)
            .order_by("pk", "strengths__position", "strengths__id").values_list(*columns))


def _leaflet_rows(columns: tuple[str, ...], *, revision_id):
    """The revision's row once per section (by position; once with none)."""
    return (LeafletRevision.objects.filter(pk=revision_id).order_by("sections__position", "sections__id")
            .values_list(*columns))


def _reads(product: tuple[str, ...], packs: tuple[str, ...], leaflet: tuple[str, ...]) -> tuple[CompiledQuery, ...]:
    """An active product by slug, its packs and a leaflet revision, read with these columns (of the product,
    pack and revision rows), each compiled once."""
    return (
        CompiledQuery(Product, lambda *, slug: _active_product_rows(product, slug=slug), slug=_NO_SLUG),
        CompiledQuery(Pack, lambda *, product_id, expiry_after: _pack_rows(
            packs, product_id=product_id, expiry_after=expiry_after), product_id=_NO_ID, expiry_after=_NO_DATE),
        CompiledQuery(LeafletRevision, lambda *, revision_id: _leaflet_rows(leaflet, revision_id=revision_id),
                      revision_id=_NO_ID),
    )


# Model instances' rows: every column of the product and its categories, of each pack with its strengths
# and their ingredients, of the revision and its sections.
_PRODUCT_ROW = (*_PRODUCT_COLUMNS, "current_leaflet_revision_id", *_columns(Category, "categories__"))
_PRODUCT_BY_SLUG, _PACKS, _LEAFLET = _reads(
    _PRODUCT_ROW,
    (*_PACK_COLUMNS, "stock_available", *_columns(Strength, "strengths__"),
     *_columns(Ingredient, "strengths__ingredient__")),
    (*_REVISION_COLUMNS, *_columns(LeafletSection, "sections__")),
)
_PRODUCT_BY_ID = CompiledQuery(Product, lambda *, product_id: _active_product_rows(_PRODUCT_ROW, pk=product_id),
                               product_id=_NO_ID)

_PACK_PRODUCT = Pack._meta.get_field("product")
_STRENGTH_PACK = Strength._meta.get_field("pack")
_STRENGTH_INGREDIENT = Strength._meta.get_field("ingredient")
_SECTION_REVISION = LeafletSection._meta.get_field("revision")


def _prefetched(instance: Model, name: str, objects: list) -> None:
    """Attach `objects` as prefetch_related would: `instance.<name>.all()` returns them without a query,
    and a filter() on the relation still queries this instance's rows only."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[name] = queryset


def read_product_for_display(*, slug: str | None = None, product_id: int | None = None) -> Product:
    """catalog.selectors.get_product_for_display's product: one active product, by slug or id, with its
    active packs (by id, each with its availability and its strengths with their ingredients), its
    categories (by name) and `current_leaflet`, its latest published revision with its sections, or None.
    Three queries whatever the number of packs. Raises Product.DoesNotExist."""
    if slug is not None:
        rows = _PRODUCT_BY_SLUG.run(slug=slug)
    else:
        rows = _PRODUCT_BY_ID.run(product_id=product_id)
    if not rows:
        raise Product.DoesNotExist("No active product matches the given query.")
    using = router.db_for_read(Product)  # where CompiledQuery read them
    end = len(_PRODUCT_COLUMNS)
    product = Product.from_db(using, _PRODUCT_COLUMNS, rows[0][:end])
    product._prefetched_objects_cache = {}
    categories = [Category.from_db(using, _CATEGORY_COLUMNS, row[end + 1:]) for row in rows if row[end + 1] is not None]
    _prefetched(product, "categories", categories)
    _prefetched(product, "packs", _packs(product, using))
    product.current_leaflet = _current_leaflet(rows[0][end], using)
    return product


def _packs(product: Product, using: str) -> list[Pack]:
    packs: list[Pack] = []
    strengths: list[list[Strength]] = []
    pack_end = len(_PACK_COLUMNS)
    strength_start = pack_end + 1
    ingredient_start = strength_start + len(_STRENGTH_COLUMNS)
    for row in _PACKS.run(product_id=product.pk, expiry_after=usable_expiry_after()):
        if not packs or packs[-1].pk != row[0]:
            pack = Pack.from_db(using, _PACK_COLUMNS, row[:pack_end])
            pack.stock_available = row[pack_end]
            _PACK_PRODUCT.set_cached_value(pack, product)
            packs.append(pack)
            strengths.append([])
        if row[strength_start] is not None:
            strength = Strength.from_db(using, _STRENGTH_COLUMNS, row[strength_start:ingredient_start])
            _STRENGTH_PACK.set_cached_value(strength, packs[-1])
            _STRENGTH_INGREDIENT.set_cached_value(strength, Ingredient.from_db(using, _INGREDIENT_COLUMNS,
                                                                               row[ingredient_start:]))
            strengths[-1].append(strength)
    for pack, its_strengths in zip(packs, strengths, strict=True):
        pack._prefetched_objects_cache = {}
        _prefetched(pack, "strengths", its_strengths)
    return packs


def _current_leaflet(revision_id: int | None, using: str) -> LeafletRevision | None:
    if revision_id is None:
        return None
    rows = _LEAFLET.run(revision_id=revision_id)
    if not rows:
        return None
    end = len(_REVISION_COLUMNS)
    revision = LeafletRevision.from_db(using, _REVISION_COLUMNS, rows[0][:end])
    revision._prefetched_objects_cache = {}
    sections = []
    for row in rows:
        if row[end] is not None:
            section = LeafletSection.from_db(using, _SECTION_COLUMNS, row[end:])
            _SECTION_REVISION.set_cached_value(section, revision)
            sections.append(section)
    _prefetched(revision, "sections", sections)
    return revision


# What get_FOO_display() answers, as plain lookups (a value outside the choices shows as itself).
_LEGAL_CATEGORIES = dict(LegalCategory.choices)
_SCHEDULES = dict(ControlledDrugSchedule.choices)
_DOSAGE_FORMS = dict(DosageForm.choices)


@dataclass(slots=True)
class PageLeaflet:
    """The current leaflet revision as the page shows it: its sections as (key, heading, body)."""

    id: int
    number: int
    revised_on: date
    sections: list[tuple[str, str, str]]


@dataclass(slots=True)
class PageProduct(ProductFacts):
    """An active product as its page shows it: Product's names for what the page and the purchase policy
    read, its categories as (slug, name) by name, its active packs by id, and its current leaflet or None."""

    id: int
    name: str
    slug: str
    description: str
    legal_category: str
    controlled_drug_schedule: int | None
    dosage_form: str
    categories: list[tuple[str, str]] = field(default_factory=list)
    packs: list["PagePack"] = field(default_factory=list)
    current_leaflet: PageLeaflet | None = None
    is_active: bool = True  # the read finds active products only
    controlled_drug_refusal: DomainError | None = None  # set by annotate_purchase_refusals

    @property
    def pk(self) -> int:
        return self.id

    def get_legal_category_display(self) -> str:
        return _LEGAL_CATEGORIES.get(self.legal_category, self.legal_category)

    def get_controlled_drug_schedule_display(self) -> str:
        schedule = self.controlled_drug_schedule
        return "" if schedule is None else _SCHEDULES.get(schedule, str(schedule))


@dataclass(slots=True)
class PagePack:
    """An active pack as the page shows it and catalog.services.check_pack_purchasable asks about it, under
    Pack's names; `display_name` as Pack.display_name words it."""

    id: int
    sku: str
    pack_size: int
    pack_unit: str
    price_amount: Decimal
    currency: str
    max_per_order: int | None
    available_quantity: int
    product: PageProduct
    display_name: str = ""
    is_active: bool = True  # the read finds active packs only
    purchase_refusal: DomainError | None = None  # set by annotate_purchase_refusals

    @property
    def pk(self) -> int:
        return self.id

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    @property
    def in_stock(self) -> bool:
        return self.available_quantity > 0


# The page's rows: only the columns it shows (PageProduct's, PagePack's, PageLeaflet's in order, then the
# related rows'), so no timestamp is parsed; a relation's first column is None on the row of an owner without.
_PAGE_PRODUCT_BY_SLUG, _PAGE_PACKS, _PAGE_LEAFLET = _reads(
    ("id", "name", "slug", "description", "legal_category", "controlled_drug_schedule", "dosage_form",
     "current_leaflet_revision_id", "categories__slug", "categories__name"),
    ("id", "sku", "pack_size", "pack_unit", "price_amount", "currency", "max_per_order", "stock_available",
     "strengths__amount", "strengths__unit", "strengths__per_amount", "strengths__per_unit"),
    ("id", "number", "revised_on", "sections__key", "sections__heading", "sections__body"),
)


def read_product_page(*, slug: str) -> PageProduct:
    """What read_product_for_display reads by slug, in three statements too, as plain objects. Raises
    Product.DoesNotExist."""
    rows = _PAGE_PRODUCT_BY_SLUG.run(slug=slug)
    if not rows:
        raise Product.DoesNotExist("No active product matches the given query.")
    product = PageProduct(*rows[0][:7])
    product.categories = [row[8:] for row in rows if row[8] is not None]
    form = _DOSAGE_FORMS.get(product.dosage_form, product.dosage_form)
    packs, labels = product.packs, []
    for row in _PAGE_PACKS.run(product_id=product.id, expiry_after=usable_expiry_after()):
        if not packs or packs[-1].id != row[0]:
            packs.append(PagePack(*row[:8], product))
            labels.append([])
        if row[8] is not None:
            labels[-1].append(strength_label(*row[8:]))
    for pack, its_labels in zip(packs, labels, strict=True):
        pack.display_name = pack_display_name(product_name=product.name, form=form, strength="/".join(its_labels),
                                              pack_size=pack.pack_size, pack_unit=pack.pack_unit)
    revision_id = rows[0][7]
    if revision_id is not None:
        leaflet = _PAGE_LEAFLET.run(revision_id=revision_id)
        if leaflet:
            product.current_leaflet = PageLeaflet(*leaflet[0][:3], sections=[
                row[3:] for row in leaflet if row[3] is not None])
    return product
