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
"""

from datetime import date

from django.db import router
from django.db.models import Model, OuterRef, Subquery

from pharmacy.compiled_query import CompiledQuery

from .models import Category, Ingredient, LeafletRevision, LeafletSection, Pack, Product, Strength, usable_expiry_after

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


def _active_product_rows(**lookup):
    """The product's row once per category (by name; once with no category), each ending with the id of
    its current leaflet revision and the category's columns (None without one)."""
    current_leaflet = LeafletRevision.objects.published().filter(product_id=OuterRef("pk")).order_by("-number")
    return (Product.objects.active().filter(**lookup)
            .annotate(current_leaflet_revision_id=Subquery(current_leaflet.values("id")[:1]))
            .order_by("categories__name", "categories__id")
            .values_list(*_PRODUCT_COLUMNS, "current_leaflet_revision_id", *_columns(Category, "categories__")))


_PRODUCT_BY_SLUG = CompiledQuery(Product, lambda *, slug: _active_product_rows(slug=slug), slug=_NO_SLUG)
_PRODUCT_BY_ID = CompiledQuery(Product, lambda *, product_id: _active_product_rows(pk=product_id),
                               product_id=_NO_ID)
# Each active pack's row once per strength (by position; once with none), with its availability, the
# strength's columns and its ingredient's.
_PACKS = CompiledQuery(Pack, lambda *, product_id, expiry_after: (
    Pack.objects.filter(product_id=product_id, is_active=True).with_availability(expiry_after=expiry_after)
    .order_by("pk", "strengths__position", "strengths__id")
    .values_list(*_PACK_COLUMNS, "stock_available", *_columns(Strength, "strengths__"),
                 *_columns(Ingredient, "strengths__ingredient__"))
), product_id=_NO_ID, expiry_after=_NO_DATE)
# The revision's row once per section (by position; once with none), with the section's columns.
_LEAFLET = CompiledQuery(LeafletRevision, lambda *, revision_id: (
    LeafletRevision.objects.filter(pk=revision_id).order_by("sections__position", "sections__id")
    .values_list(*_columns(LeafletRevision), *_columns(LeafletSection, "sections__"))
), revision_id=_NO_ID)

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
