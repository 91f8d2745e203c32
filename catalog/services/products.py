"""Products' search documents, synonyms and indications."""

from collections.abc import Iterable

from django.db import connection, transaction

from ..cache import bump_catalog_version
from ..models import Product, ProductSearchDocument, ProductSynonym, Strength
from ..search import document_values, search_vector

SEARCH_DOCUMENT_BATCH = 1000


def refresh_search_documents(*, product_ids: Iterable[int]) -> int:
    """Rebuild the search document of each product from its name, active packs' ingredients, also-known-as
    names and uses. Every write path that changes one of them calls this (admin, import, demo loader and
    the services here); bulk writes send no signals, so nothing else would. A few queries per 1,000."""
    ids = sorted(set(product_ids))
    # Every write to what the catalog shows (admin, import, synonyms, uses) ends here: one bump covers them.
    bump_catalog_version()
    for start in range(0, len(ids), SEARCH_DOCUMENT_BATCH):
        chunk = ids[start : start + SEARCH_DOCUMENT_BATCH]
        ingredients: dict[int, set[str]] = {pk: set() for pk in chunk}
        for product_id, name in (
            Strength.objects.filter(pack__product_id__in=chunk, pack__is_active=True)
            .values_list("pack__product_id", "ingredient__name")
            .distinct()
        ):
            ingredients[product_id].add(name)
        synonyms: dict[int, list[str]] = {pk: [] for pk in chunk}
        for product_id, name in ProductSynonym.objects.filter(product_id__in=chunk).values_list("product_id", "name"):
            synonyms[product_id].append(name)
        documents = [
            ProductSearchDocument(
                product_id=pk,
                **document_values(
                    name=name,
                    legal_category=legal_category,
                    ingredients=ingredients[pk],
                    synonyms=synonyms[pk],
                    indications=indications,
                ),
            )
            for pk, name, legal_category, indications in Product.objects.filter(pk__in=chunk).values_list(
                "pk", "name", "legal_category", "indications"
            )
        ]
        ProductSearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["product"],
            update_fields=[
                "name_text",
                "ingredient_text",
                "synonym_text",
                "indication_text",
                "all_names",
                "updated_at",
            ],
        )
        if connection.vendor == "postgresql":
            ProductSearchDocument.objects.filter(product_id__in=chunk).update(search_vector=search_vector())
    return len(ids)


def _clean_synonyms(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())
        if name:
            seen.setdefault(name.lower(), name[:150])
    return list(seen.values())


@transaction.atomic
def set_product_synonyms(*, product: Product, names: Iterable[str]) -> list[str]:
    """Make `names` the product's "also known as" names (brands, other countries' names) and reindex it."""
    names = _clean_synonyms(names)
    ProductSynonym.objects.filter(product=product).exclude(name__in=names).delete()
    existing = set(ProductSynonym.objects.filter(product=product).values_list("name", flat=True))
    ProductSynonym.objects.bulk_create(
        ProductSynonym(product=product, name=name) for name in names if name not in existing
    )
    refresh_search_documents(product_ids=[product.pk])
    return names


@transaction.atomic
def set_product_indications(*, product: Product, indications: str) -> Product:
    """Set what the medicine is used for (searchable for GSL and P medicines only) and reindex it."""
    Product.objects.filter(pk=product.pk).update(indications=indications.strip())
    product.refresh_from_db(fields=["indications"])
    refresh_search_documents(product_ids=[product.pk])
    return product
