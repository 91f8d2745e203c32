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
from catalog.exceptions import ReclassificationNotAllowed
from catalog.models import Category, Ingredient, Product, ProductSynonym
from catalog.reclassification import ImportedReclassification, record_imported_reclassifications
from catalog.services import refresh_search_documents

from .bulk import chunks, fields_of, rows_where
from .checks import LOOKUP_CHUNK, CheckedCatalog
from .rows import PackValues, ProductValues
from .write_packs import count_batches, replace_strengths, set_pzns, upsert_packs

BATCH_SIZE = 1000

PRODUCT_FIELDS = ["name", "legal_category", "controlled_drug_schedule", "dosage_form", "route", "atc_code"]


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
    *,
    catalog: CheckedCatalog,
    batch_size: int = BATCH_SIZE,
    on_packs_written: Callable[[int], None] | None = None,
    reclassification_reason: str | None = None,
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
        record_imported_reclassifications(
            changes=[change for _, change in reclassifications], reason=reclassification_reason.strip()
        )
    products_changed |= _link_categories(products, product_ids, category_ids, batch_size)
    products_changed |= _replace_synonyms(products, product_ids, batch_size)
    products_changed |= _set_used_for(products, product_ids, batch_size)
    pack_ids, packs_new, packs_changed = upsert_packs(catalog.packs, product_ids, batch_size, on_packs_written)
    packs_changed |= replace_strengths(catalog.packs, pack_ids, ingredient_ids, batch_size) - packs_new
    count_batches(catalog.packs, pack_ids, batch_size)
    packs_changed |= set_pzns(catalog.packs, pack_ids, batch_size)
    # bulk writes send no signals: the search documents of every product in the file are rebuilt here
    refresh_search_documents(product_ids=product_ids.values())
    uncovered = _without_clinical_coverage(catalog, products_new)
    record_uncovered(gaps_by_product_id={product_ids[slug]: gaps for slug, gaps in uncovered.items()})
    return CatalogImported(
        rows=catalog.rows,
        products_total=len(products),
        products_created=len(products_new),
        products_updated=len(products_changed - products_new),
        packs_total=len(catalog.packs),
        packs_created=len(packs_new),
        packs_updated=len(packs_changed - packs_new),
        categories_created=categories_created,
        ingredients_created=ingredients_created,
        reclassified=len(reclassifications),
        without_clinical_coverage={catalog.products[slug].name: gaps for slug, gaps in uncovered.items()},
    )


def _without_clinical_coverage(catalog: CheckedCatalog, new_slugs: set[str]) -> dict[str, list[str]]:
    """{slug: gaps} of the new products the clinical rules do not fully cover."""
    ingredients: dict[str, set[str]] = {slug: set() for slug in new_slugs}
    for pack in catalog.packs:
        if pack.product_slug in ingredients:
            ingredients[pack.product_slug].update(strength.ingredient for strength in pack.strengths)
    return coverage_gaps(
        (slug, catalog.products[slug].atc_code, catalog.products[slug].legal_category, sorted(names))
        for slug, names in ingredients.items()
    )


def _reclassifications(products: Sequence[ProductValues]) -> list[tuple[str, ImportedReclassification]]:
    """Existing products whose legal category or schedule the file changes: (slug, change)."""
    rows = Product.objects.values_list("slug", "id", "legal_category", "controlled_drug_schedule")
    wanted = {p.slug: (p.legal_category, p.controlled_drug_schedule) for p in products}
    changes = []
    for slug, pk, category, schedule in rows_where(rows, "slug", list(wanted)):
        if (category, schedule) != wanted[slug]:
            changes.append((slug, ImportedReclassification(product_id=pk, old=(category, schedule), new=wanted[slug])))
    return changes


def _ensure_categories(products: Iterable[ProductValues]) -> tuple[dict[str, int], int]:
    """{category name as written in the file: id}. A name matches an existing category by name (any case)
    or by slug; other names become new categories. Categories are few, so all are read at once."""
    existing = list(Category.objects.values_list("id", "name", "slug"))
    by_name = {name.lower(): pk for pk, name, _ in existing}
    by_slug = {slug: pk for pk, _, slug in existing}
    names = {name for product in products for name in product.categories}
    missing = {slugify(name): name for name in names if name.lower() not in by_name and slugify(name) not in by_slug}
    Category.objects.bulk_create(Category(name=name, slug=slug) for slug, name in missing.items())
    by_slug.update(rows_where(Category.objects.values_list("slug", "id"), "slug", list(missing)))
    return {name: by_name.get(name.lower()) or by_slug[slugify(name)] for name in names}, len(missing)


def _ensure_ingredients(packs: Sequence[PackValues]) -> tuple[dict[str, int], int]:
    names = list({strength.ingredient for pack in packs for strength in pack.strengths})
    ids = dict(rows_where(Ingredient.objects.values_list("name", "id"), "name", names))
    missing = [name for name in names if name not in ids]
    Ingredient.objects.bulk_create((Ingredient(name=name) for name in missing), batch_size=BATCH_SIZE)
    ids.update(rows_where(Ingredient.objects.values_list("name", "id"), "name", missing))
    return ids, len(missing)


def _upsert_products(products: Sequence[ProductValues], batch_size: int) -> tuple[dict[str, int], set, set]:
    """Returns ({slug: id}, new slugs, changed slugs). Description and is_active are the admin's: an
    update leaves them alone."""
    rows = Product.objects.values_list("id", "slug", *PRODUCT_FIELDS)
    slugs = [product.slug for product in products]
    existing = {slug: (pk, values) for pk, slug, *values in rows_where(rows, "slug", slugs)}
    changed = [p for p in products if p.slug not in existing or existing[p.slug][1] != _product_values(p)]
    Product.objects.bulk_create(
        (Product(slug=p.slug, **fields_of(PRODUCT_FIELDS, _product_values(p))) for p in changed),
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=[*PRODUCT_FIELDS, "updated_at"],
    )
    new = {p.slug for p in changed if p.slug not in existing}
    ids = {slug: pk for slug, (pk, _) in existing.items()}
    ids.update(rows_where(Product.objects.values_list("slug", "id"), "slug", list(new)))
    return ids, new, {p.slug for p in changed}


def _product_values(product: ProductValues) -> list:
    return [
        product.name,
        product.legal_category,
        product.controlled_drug_schedule,
        product.dosage_form,
        product.route,
        product.atc_code,
    ]


def _link_categories(
    products: Iterable[ProductValues],
    product_ids: dict[str, int],
    category_ids: dict[str, int],
    batch_size: int,
) -> set[str]:
    """Make each product's categories the file's; returns the slugs of products whose links changed."""
    link = Product.categories.through
    wanted = {(product_ids[p.slug], category_ids[name]) for p in products for name in p.categories}
    stale, present = [], set()
    rows = link.objects.values_list("id", "product_id", "category_id")
    for pk, product_id, category_id in rows_where(rows, "product_id", list(product_ids.values())):
        if (product_id, category_id) in wanted:
            present.add((product_id, category_id))
        else:
            stale.append((pk, product_id))
    for chunk in chunks(stale, LOOKUP_CHUNK):
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
    wanted = {(product_ids[p.slug], name) for p in products if p.also_known_as is not None for name in p.also_known_as}
    covered = [product_ids[p.slug] for p in products if p.also_known_as is not None]
    stale, present = [], set()
    rows = ProductSynonym.objects.values_list("id", "product_id", "name")
    for pk, product_id, name in rows_where(rows, "product_id", covered):
        if (product_id, name) in wanted:
            present.add((product_id, name))
        else:
            stale.append((pk, product_id))
    for chunk in chunks(stale, LOOKUP_CHUNK):
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
    changed = [
        Product(pk=pk, indications=wanted[pk])
        for pk, indications in rows_where(rows, "id", list(wanted))
        if indications != wanted[pk]
    ]
    Product.objects.bulk_update(changed, ["indications"], batch_size=batch_size)
    changed_ids = {product.pk for product in changed}
    return {slug for slug, pk in product_ids.items() if pk in changed_ids}
