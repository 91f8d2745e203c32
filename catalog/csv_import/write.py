"""Write a checked catalog file in one transaction, in batches: a handful of queries per batch, none per row.

The rows the file touches are read first (one query per LOOKUP_CHUNK keys); only new and changed rows are
then written, with INSERT ... ON CONFLICT DO UPDATE on the natural keys (product slug, pack SKU, pack and
ingredient), so re-importing an unchanged file writes nothing. Strengths and category links not in the
file any more are deleted.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from catalog.coverage_reviews import coverage_gaps, record_uncovered
from catalog.exceptions import InvalidBatch, ReclassificationNotAllowed
from catalog.locks import packs_for_update
from catalog.models import (
    LEGACY_BATCH_EXPIRY,
    LEGACY_BATCH_NUMBER,
    Category,
    Ingredient,
    Pack,
    Product,
    ProductSynonym,
    StockBatch,
    Strength,
)
from catalog.reclassification import ImportedReclassification, record_imported_reclassifications
from catalog.services import refresh_search_documents

from .checks import LOOKUP_CHUNK, CheckedCatalog
from .rows import PackValues, ProductValues

BATCH_SIZE = 1000

PRODUCT_FIELDS = ["name", "legal_category", "controlled_drug_schedule", "dosage_form", "route", "atc_code"]
PACK_FIELDS = ["product_id", "gtin", "pack_size", "pack_unit", "price_amount", "currency", "max_per_order",
               "is_active"]
STRENGTH_FIELDS = ["amount", "unit", "per_amount", "per_unit", "position"]


@dataclass(frozen=True)
class CatalogImported:
    rows: int
    products_total: int
    products_created: int
    products_updated: int  # its fields or its categories changed
    packs_total: int
    packs_created: int
    packs_updated: int  # its fields or its strengths changed
    categories_created: int
    ingredients_created: int
    reclassified: int = 0  # products whose legal category or schedule changed (recorded in the audit trail)
    # New products the clinical rules do not fully cover, with what is missing (catalog.coverage_reviews):
    # each is recorded for a superintendent to acknowledge before it is published as P or POM.
    without_clinical_coverage: dict[str, list[str]] = field(default_factory=dict)

    @property
    def products_unchanged(self) -> int:
        return self.products_total - self.products_created - self.products_updated

    @property
    def packs_unchanged(self) -> int:
        return self.packs_total - self.packs_created - self.packs_updated


@transaction.atomic
def import_catalog(
    *, catalog: CheckedCatalog, batch_size: int = BATCH_SIZE,
    on_packs_written: Callable[[int], None] | None = None, reclassification_reason: str | None = None,
) -> CatalogImported:
    """Write every product and pack of a checked file, or nothing. `on_packs_written(n)` reports progress.

    A row that changes an existing product's legal category or controlled-drug schedule is refused
    (ReclassificationNotAllowed, nothing written) unless `reclassification_reason` is given; then each
    change is recorded in the reclassification audit trail with that reason."""
    if catalog.errors:
        raise ValueError("A catalog file with errors is never imported; report catalog.errors instead.")
    products = list(catalog.products.values())
    category_ids, categories_created = _ensure_categories(products)
    ingredient_ids, ingredients_created = _ensure_ingredients(catalog.packs)
    reclassifications = _reclassifications(products)
    if reclassifications and not (reclassification_reason or "").strip():
        names = ", ".join(sorted(slug for slug, _ in reclassifications)[:10])
        raise ReclassificationNotAllowed(
            f"The file changes the legal category or controlled-drug schedule of {len(reclassifications)} "
            f"product(s): {names}. Run the import with --allow-reclassification and --reason to record the change.",
            products=[slug for slug, _ in reclassifications],
        )
    product_ids, products_new, products_changed = _upsert_products(products, batch_size)
    if reclassifications:
        record_imported_reclassifications(changes=[change for _, change in reclassifications],
                                          reason=reclassification_reason.strip())
    products_changed |= _link_categories(products, product_ids, category_ids, batch_size)
    products_changed |= _replace_synonyms(products, product_ids, batch_size)
    products_changed |= _set_used_for(products, product_ids, batch_size)
    pack_ids, packs_new, packs_changed = _upsert_packs(
        catalog.packs, product_ids, batch_size, on_packs_written
    )
    packs_changed |= _replace_strengths(catalog.packs, pack_ids, ingredient_ids, batch_size) - packs_new
    _count_batches(catalog.packs, pack_ids, batch_size)
    packs_changed |= _set_pzns(catalog.packs, pack_ids, batch_size)
    # bulk writes send no signals: the search documents of every product in the file are rebuilt here
    refresh_search_documents(product_ids=product_ids.values())
    uncovered = _without_clinical_coverage(catalog, products_new)
    record_uncovered(gaps_by_product_id={product_ids[slug]: gaps for slug, gaps in uncovered.items()})
    return CatalogImported(
        rows=catalog.rows, products_total=len(products), products_created=len(products_new),
        products_updated=len(products_changed - products_new), packs_total=len(catalog.packs),
        packs_created=len(packs_new), packs_updated=len(packs_changed - packs_new),
        categories_created=categories_created, ingredients_created=ingredients_created,
        reclassified=len(reclassifications),
        without_clinical_coverage={catalog.products[slug].name: gaps for slug, gaps in uncovered.items()},
    )


def _without_clinical_coverage(catalog: CheckedCatalog, new_slugs: set[str]) -> dict[str, list[str]]:
    """{slug: gaps} of the new products the clinical rules do not fully cover."""
    ingredients: dict[str, set[str]] = {slug: set() for slug in new_slugs}
    for pack in catalog.packs:
        if pack.product_slug in ingredients:
            ingredients[pack.product_slug].update(strength.ingredient for strength in pack.strengths)
    return coverage_gaps((slug, catalog.products[slug].atc_code, catalog.products[slug].legal_category,
                          sorted(names)) for slug, names in ingredients.items())


def _reclassifications(products: Sequence[ProductValues]) -> list[tuple[str, ImportedReclassification]]:
    """Existing products whose legal category or schedule the file changes: (slug, change)."""
    rows = Product.objects.values_list("slug", "id", "legal_category", "controlled_drug_schedule")
    wanted = {p.slug: (p.legal_category, p.controlled_drug_schedule) for p in products}
    changes = []
    for slug, pk, category, schedule in _rows_where(rows, "slug", list(wanted)):
        if (category, schedule) != wanted[slug]:
            changes.append((slug, ImportedReclassification(product_id=pk, old=(category, schedule),
                                                           new=wanted[slug])))
    return changes


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _fields(names: list[str], values: list) -> dict:
    return dict(zip(names, values, strict=True))


def _rows_where(queryset, key: str, keys: Sequence) -> Iterable:
    """`queryset` rows whose `key` is in `keys`: one query per LOOKUP_CHUNK keys."""
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{key}__in": chunk})


def _ensure_categories(products: Iterable[ProductValues]) -> tuple[dict[str, int], int]:
    """{category name as written in the file: id}. A name matches an existing category by name (any case)
    or by slug; other names become new categories. Categories are few, so all are read at once."""
    existing = list(Category.objects.values_list("id", "name", "slug"))
    by_name = {name.lower(): pk for pk, name, _ in existing}
    by_slug = {slug: pk for pk, _, slug in existing}
    names = {name for product in products for name in product.categories}
    missing = {
        slugify(name): name for name in names if name.lower() not in by_name and slugify(name) not in by_slug
    }
    Category.objects.bulk_create(Category(name=name, slug=slug) for slug, name in missing.items())
    by_slug.update(_rows_where(Category.objects.values_list("slug", "id"), "slug", list(missing)))
    return {name: by_name.get(name.lower()) or by_slug[slugify(name)] for name in names}, len(missing)


def _ensure_ingredients(packs: Sequence[PackValues]) -> tuple[dict[str, int], int]:
    names = list({strength.ingredient for pack in packs for strength in pack.strengths})
    ids = dict(_rows_where(Ingredient.objects.values_list("name", "id"), "name", names))
    missing = [name for name in names if name not in ids]
    Ingredient.objects.bulk_create((Ingredient(name=name) for name in missing), batch_size=BATCH_SIZE)
    ids.update(_rows_where(Ingredient.objects.values_list("name", "id"), "name", missing))
    return ids, len(missing)


def _upsert_products(products: Sequence[ProductValues], batch_size: int) -> tuple[dict[str, int], set, set]:
    """Returns ({slug: id}, new slugs, changed slugs). Description and is_active are the admin's: an
    update leaves them alone."""
    rows = Product.objects.values_list("id", "slug", *PRODUCT_FIELDS)
    slugs = [product.slug for product in products]
    existing = {slug: (pk, values) for pk, slug, *values in _rows_where(rows, "slug", slugs)}
    changed = [p for p in products if p.slug not in existing or existing[p.slug][1] != _product_values(p)]
    Product.objects.bulk_create(
        (Product(slug=p.slug, **_fields(PRODUCT_FIELDS, _product_values(p))) for p in changed),
        batch_size=batch_size, update_conflicts=True, unique_fields=["slug"],
        update_fields=[*PRODUCT_FIELDS, "updated_at"],
    )
    new = {p.slug for p in changed if p.slug not in existing}
    ids = {slug: pk for slug, (pk, _) in existing.items()}
    ids.update(_rows_where(Product.objects.values_list("slug", "id"), "slug", list(new)))
    return ids, new, {p.slug for p in changed}


def _product_values(product: ProductValues) -> list:
    return [product.name, product.legal_category, product.controlled_drug_schedule, product.dosage_form,
            product.route, product.atc_code]


def _link_categories(
    products: Iterable[ProductValues], product_ids: dict[str, int], category_ids: dict[str, int],
    batch_size: int,
) -> set[str]:
    """Make each product's categories the file's; returns the slugs of products whose links changed."""
    link = Product.categories.through
    wanted = {(product_ids[p.slug], category_ids[name]) for p in products for name in p.categories}
    stale, present = [], set()
    rows = link.objects.values_list("id", "product_id", "category_id")
    for pk, product_id, category_id in _rows_where(rows, "product_id", list(product_ids.values())):
        if (product_id, category_id) in wanted:
            present.add((product_id, category_id))
        else:
            stale.append((pk, product_id))
    for chunk in _chunks(stale, LOOKUP_CHUNK):
        link.objects.filter(pk__in=[pk for pk, _ in chunk]).delete()
    link.objects.bulk_create(
        (link(product_id=product, category_id=category) for product, category in wanted - present),
        batch_size=batch_size,
    )
    changed_ids = {product_id for _, product_id in stale} | {product_id for product_id, _ in wanted - present}
    return {slug for slug, pk in product_ids.items() if pk in changed_ids}


def _replace_synonyms(products: Iterable[ProductValues], product_ids: dict[str, int], batch_size: int) -> set[str]:
    """Make each product's also-known-as names the file's, where the file has the column; returns the
    slugs of products whose names changed."""
    wanted = {(product_ids[p.slug], name) for p in products if p.also_known_as is not None
              for name in p.also_known_as}
    covered = [product_ids[p.slug] for p in products if p.also_known_as is not None]
    stale, present = [], set()
    rows = ProductSynonym.objects.values_list("id", "product_id", "name")
    for pk, product_id, name in _rows_where(rows, "product_id", covered):
        if (product_id, name) in wanted:
            present.add((product_id, name))
        else:
            stale.append((pk, product_id))
    for chunk in _chunks(stale, LOOKUP_CHUNK):
        ProductSynonym.objects.filter(pk__in=[pk for pk, _ in chunk]).delete()
    ProductSynonym.objects.bulk_create(
        (ProductSynonym(product_id=product_id, name=name) for product_id, name in wanted - present),
        batch_size=batch_size,
    )
    changed_ids = {product_id for _, product_id in stale} | {product_id for product_id, _ in wanted - present}
    return {slug for slug, pk in product_ids.items() if pk in changed_ids}


def _set_used_for(products: Sequence[ProductValues], product_ids: dict[str, int], batch_size: int) -> set[str]:
    """Set what each product is used for, where the file has the column; returns the slugs it changed."""
    wanted = {product_ids[p.slug]: p.used_for for p in products if p.used_for is not None}
    rows = Product.objects.values_list("id", "indications")
    changed = [Product(pk=pk, indications=wanted[pk])
               for pk, indications in _rows_where(rows, "id", list(wanted)) if indications != wanted[pk]]
    Product.objects.bulk_update(changed, ["indications"], batch_size=batch_size)
    changed_ids = {product.pk for product in changed}
    return {slug for slug, pk in product_ids.items() if pk in changed_ids}


def _upsert_packs(
    packs: Sequence[PackValues], product_ids: dict[str, int], batch_size: int,
    on_packs_written: Callable[[int], None] | None,
) -> tuple[dict[str, int], set, set]:
    """Upsert on SKU; returns ({sku: id}, new SKUs, changed SKUs). Stock is written per batch afterwards
    (_count_batches); a pack whose only change is its count is reported as changed."""
    rows = Pack.objects.values_list("id", "sku", *PACK_FIELDS)
    skus = [pack.sku for pack in packs]
    existing = {sku: (pk, values) for pk, sku, *values in _rows_where(rows, "sku", skus)}
    counted = _current_counts([pack for pack in packs if pack.stock is not None and pack.sku in existing],
                              {sku: pk for sku, (pk, _) in existing.items()})
    changed: list[tuple[PackValues, list]] = []
    for pack in packs:
        values = _pack_values(pack, product_ids)
        if pack.sku not in existing:
            changed.append((pack, values))
        else:
            _, old_values = existing[pack.sku]
            if old_values != values or (pack.stock is not None and counted.get(pack.sku) != pack.stock):
                changed.append((pack, values))
    if on_packs_written:
        on_packs_written(len(packs) - len(changed))  # unchanged: nothing to write
    for chunk in _chunks(changed, batch_size):
        Pack.objects.bulk_create(
            [Pack(sku=pack.sku, **_fields(PACK_FIELDS, values)) for pack, values in chunk],
            update_conflicts=True, unique_fields=["sku"], update_fields=[*PACK_FIELDS, "updated_at"],
        )
        if on_packs_written:
            on_packs_written(len(chunk))
    new = {pack.sku for pack, _ in changed if pack.sku not in existing}
    ids = {sku: pk for sku, (pk, _) in existing.items()}
    ids.update(_rows_where(Pack.objects.values_list("sku", "id"), "sku", list(new)))
    return ids, new, {pack.sku for pack, _ in changed}


def _current_counts(packs: Sequence[PackValues], pack_ids: dict[str, int]) -> dict[str, int | None]:
    """{sku: units in the batch the row counts}, to tell whether a row changes the stock."""
    if not packs:
        return {}
    rows = StockBatch.objects.values_list("pack_id", "batch_number", "quantity_on_hand")
    batches: dict[int, dict[str, int]] = {}
    for pack_id, number, units in _rows_where(rows, "pack_id", [pack_ids[pack.sku] for pack in packs]):
        batches.setdefault(pack_id, {})[number] = units
    counts = {}
    for pack in packs:
        held = batches.get(pack_ids[pack.sku], {})
        if not pack.batch_number and not held:
            counts[pack.sku] = pack.stock  # no batch to count into: the row changes no stock
            continue
        number = pack.batch_number or (next(iter(held)) if len(held) == 1 else LEGACY_BATCH_NUMBER)
        counts[pack.sku] = held.get(number)
    return counts


def _count_batches(packs: Sequence[PackValues], pack_ids: dict[str, int], batch_size: int) -> None:
    """Stock take from the file: each row's `stock` is the units counted in its batch. A row without a
    batch number (files from before batches) counts the pack's only batch, or its existing LEGACY batch;
    it creates none, so a pack with no batch yet gets no stock from it. Allocations are never touched.
    Takes the packs' row locks, like every stock change."""
    # Chunks in pack-id order, so the row locks are taken in one global order (as checkouts take them).
    counted = sorted((pack for pack in packs if pack.stock is not None), key=lambda pack: pack_ids[pack.sku])
    for chunk in _chunks(counted, batch_size):
        ids = [pack_ids[pack.sku] for pack in chunk]
        packs_for_update(pack_ids=ids)
        held: dict[int, list[str]] = {}
        for pack_id, number in StockBatch.objects.filter(pack_id__in=ids).values_list("pack_id", "batch_number"):
            held.setdefault(pack_id, []).append(number)
        ambiguous = []
        batches = []
        for pack in chunk:
            pack_id = pack_ids[pack.sku]
            numbers = held.get(pack_id, [])
            if pack.batch_number:
                number, expiry = pack.batch_number, pack.expiry_date
            elif not numbers:
                # No batch to count into, and no placeholder is made: a recall could not find who received
                # it. The pack has no sellable stock until a batch is booked in (with batch_number and
                # expiry_date, or a stock take).
                continue
            elif len(numbers) == 1 or LEGACY_BATCH_NUMBER in numbers:
                number = numbers[0] if len(numbers) == 1 else LEGACY_BATCH_NUMBER
                expiry = None
            else:
                ambiguous.append(f"{pack.sku} (row {pack.row})")
                continue
            batches.append((StockBatch(pack_id=pack_id, batch_number=number, quantity_on_hand=pack.stock,
                                       # a counted batch exists: its expiry is kept (never inserted)
                                       expiry_date=expiry or LEGACY_BATCH_EXPIRY), expiry is not None))
        if ambiguous:
            raise InvalidBatch("These packs are held in several batches; add batch_number and expiry_date "
                               "columns to count each: " + ", ".join(ambiguous) + ".", field="batch_number")
        for with_expiry in (True, False):
            StockBatch.objects.bulk_create(
                [batch for batch, expiry_given in batches if expiry_given == with_expiry],
                update_conflicts=True, unique_fields=["pack", "batch_number"],
                update_fields=["quantity_on_hand", "updated_at", *(["expiry_date"] if with_expiry else [])],
            )


def _set_pzns(packs: Sequence[PackValues], pack_ids: dict[str, int], batch_size: int) -> set[str]:
    """Set each pack's PZN where the file has the column (blank clears it); returns the SKUs it changed."""
    wanted = {pack_ids[pack.sku]: pack.pzn for pack in packs if pack.has_pzn}
    rows = Pack.objects.values_list("id", "sku", "pzn")
    changed = {sku: Pack(pk=pk, pzn=wanted[pk]) for pk, sku, pzn in _rows_where(rows, "id", list(wanted))
               if pzn != wanted[pk]}
    Pack.objects.bulk_update(changed.values(), ["pzn"], batch_size=batch_size)
    return set(changed)


def _pack_values(pack: PackValues, product_ids: dict[str, int]) -> list:
    return [product_ids[pack.product_slug], pack.gtin, pack.pack_size, pack.pack_unit, pack.price,
            pack.currency, pack.max_per_order, pack.is_active]


def _replace_strengths(
    packs: Sequence[PackValues], pack_ids: dict[str, int], ingredient_ids: dict[str, int], batch_size: int
) -> set[str]:
    """Make each pack's strengths the file's; returns the SKUs of packs whose strengths changed."""
    wanted = {
        (pack_ids[pack.sku], ingredient_ids[strength.ingredient]):
            [strength.amount, strength.unit, strength.per_amount, strength.per_unit, position]
        for pack in packs for position, strength in enumerate(pack.strengths)
    }
    stale, unchanged = [], set()
    rows = Strength.objects.values_list("id", "pack_id", "ingredient_id", *STRENGTH_FIELDS)
    for pk, pack_id, ingredient_id, *values in _rows_where(rows, "pack_id", list(pack_ids.values())):
        key = (pack_id, ingredient_id)
        if key not in wanted:
            stale.append((pk, pack_id))
        elif wanted[key] == values:
            unchanged.add(key)
    for chunk in _chunks(stale, LOOKUP_CHUNK):
        Strength.objects.filter(pk__in=[pk for pk, _ in chunk]).delete()
    upserts = [(key, values) for key, values in wanted.items() if key not in unchanged]
    Strength.objects.bulk_create(
        (Strength(pack_id=pack, ingredient_id=ingredient, **_fields(STRENGTH_FIELDS, values))
         for (pack, ingredient), values in upserts),
        batch_size=batch_size, update_conflicts=True, unique_fields=["pack", "ingredient"],
        update_fields=STRENGTH_FIELDS,
    )
    changed_ids = {pack_id for _, pack_id in stale} | {pack_id for (pack_id, _), _ in upserts}
    return {sku for sku, pk in pack_ids.items() if pk in changed_ids}
