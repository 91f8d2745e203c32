"""One product as its page and the API's detail show it, read with SQL compiled once per process.

Read through prefetch_related, the product page built and compiled six querysets on every request (the
product, its packs, their strengths, its categories, the current leaflet revision, its sections), which
took most of an uncached page's CPU. Here each read is a CompiledQuery (pharmacy.compiled_query): the
product comes with the id of its current leaflet revision as a column, and the revision with its sections
in one join, so five statements in all. The instances are attached where prefetch_related puts them, so
callers read `product.packs.all()`, `pack.strengths.all()`, `product.categories.all()` and
`product.current_leaflet.sections.all()` without a query, as before.
"""

from datetime import date

from django.db.models import Model, OuterRef, Subquery

from pharmacy.compiled_query import AmongIds, CompiledQuery

from .models import Category, LeafletRevision, LeafletSection, Pack, Product, Strength, usable_expiry_after

# Stand-ins no row has (see CompiledQuery): an id, a slug, an id list, a date.
_NO_ID = -4_242_424
_NO_SLUG = "no-such-product-4242424"
_NO_IDS = [-4_242_424]
_NO_DATE = date(1901, 2, 3)


def _active_product(**lookup):
    current_leaflet = LeafletRevision.objects.published().filter(product_id=OuterRef("pk")).order_by("-number")
    return (Product.objects.active().filter(**lookup)
            .annotate(current_leaflet_revision_id=Subquery(current_leaflet.values("id")[:1])))


_PRODUCT_BY_SLUG = CompiledQuery(Product, lambda *, slug: _active_product(slug=slug), slug=_NO_SLUG)
_PRODUCT_BY_ID = CompiledQuery(Product, lambda *, product_id: _active_product(pk=product_id), product_id=_NO_ID)
_PACKS = CompiledQuery(Pack, lambda *, product_id, expiry_after: (
    Pack.objects.filter(product_id=product_id, is_active=True).with_availability(expiry_after=expiry_after)
    .order_by("pk")
), product_id=_NO_ID, expiry_after=_NO_DATE)
_STRENGTHS = CompiledQuery(Strength, lambda *, pack_ids: (
    Strength.objects.filter(AmongIds("pack_id", pack_ids)).select_related("ingredient").order_by("position", "pk")
), pack_ids=_NO_IDS)
_CATEGORIES = CompiledQuery(Category, lambda *, product_id: (
    Category.objects.filter(products=product_id).order_by("name")
), product_id=_NO_ID)
_SECTIONS = CompiledQuery(LeafletSection, lambda *, revision_id: (
    LeafletSection.objects.filter(revision_id=revision_id).select_related("revision").order_by("position", "pk")
), revision_id=_NO_ID)
_REVISION = CompiledQuery(LeafletRevision, lambda *, revision_id: (
    LeafletRevision.objects.filter(pk=revision_id)
), revision_id=_NO_ID)

_PACK_PRODUCT = Pack._meta.get_field("product")
_STRENGTH_PACK = Strength._meta.get_field("pack")
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
    Five queries whatever the number of packs. Raises Product.DoesNotExist."""
    if slug is not None:
        found = _PRODUCT_BY_SLUG.run(slug=slug)
    else:
        found = _PRODUCT_BY_ID.run(product_id=product_id)
    if not found:
        raise Product.DoesNotExist("No active product matches the given query.")
    product = found[0]
    product._prefetched_objects_cache = {}
    packs = _PACKS.run(product_id=product.pk, expiry_after=usable_expiry_after())
    strengths: dict[int, list[Strength]] = {pack.pk: [] for pack in packs}
    for strength in _STRENGTHS.run(pack_ids=list(strengths)) if packs else ():
        strengths[strength.pack_id].append(strength)
    for pack in packs:
        _PACK_PRODUCT.set_cached_value(pack, product)
        pack._prefetched_objects_cache = {}
        for strength in strengths[pack.pk]:
            _STRENGTH_PACK.set_cached_value(strength, pack)
        _prefetched(pack, "strengths", strengths[pack.pk])
    _prefetched(product, "packs", packs)
    _prefetched(product, "categories", _CATEGORIES.run(product_id=product.pk))
    product.current_leaflet = _current_leaflet(product.current_leaflet_revision_id)
    return product


def _current_leaflet(revision_id: int | None) -> LeafletRevision | None:
    """The revision with its sections, read in one join (a published revision has all its sections; one
    without any is read on its own)."""
    if revision_id is None:
        return None
    sections = _SECTIONS.run(revision_id=revision_id)
    if sections:
        revision = sections[0].revision
    else:
        found = _REVISION.run(revision_id=revision_id)
        if not found:
            return None
        revision = found[0]
    revision._prefetched_objects_cache = {}
    for section in sections:
        _SECTION_REVISION.set_cached_value(section, revision)
    _prefetched(revision, "sections", sections)
    return revision
