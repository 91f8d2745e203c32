"""Catalog writes and the one purchase policy: may this pack be bought, in this quantity, now?"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from .exceptions import (
    ControlledDrugNotSoldOnline,
    InvalidPrice,
    InvalidQuantity,
    LeafletIncomplete,
    LeafletRevisionPublished,
    OutOfStock,
    PackUnavailable,
    QuantityLimitExceeded,
)
from .locks import packs_for_update
from .models import (
    LeafletRevision,
    LeafletSection,
    LeafletSectionKey,
    Pack,
    Product,
    ProductSearchDocument,
    ProductSynonym,
    Strength,
)
from .search import document_values, search_vector

# --- Purchase policy ----------------------------------------------------------------------------------


def check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(field="quantity")
    return quantity


def check_pack_purchasable(*, pack: Pack, quantity: int, check_stock: bool = True) -> None:
    """Every rule about buying `quantity` of `pack`, whatever the interface. Raises a DomainError.

    Prescription rules are the order's (they depend on the attached prescription); see orders.services.
    """
    check_quantity(quantity)
    name = pack.display_name
    if not (pack.is_active and pack.product.is_active):
        raise PackUnavailable(f"{name} is not available to buy.", field="sku", sku=pack.sku)
    schedule = pack.product.controlled_drug_schedule
    if (
        schedule is not None
        and schedule in settings.CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE
        and not settings.ALLOW_CONTROLLED_DRUGS_ONLINE
    ):
        raise ControlledDrugNotSoldOnline(
            f"{name} is a Schedule {schedule} controlled drug and is not sold online.", field="sku", sku=pack.sku
        )
    if pack.max_per_order is not None and quantity > pack.max_per_order:
        raise QuantityLimitExceeded(
            f"{name}: at most {pack.max_per_order} per order.",
            field="quantity", sku=pack.sku, max_per_order=pack.max_per_order,
        )
    if check_stock and quantity > pack.stock_quantity:
        raise OutOfStock(_out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku,
                         available=pack.stock_quantity)


def _out_of_stock_message(pack: Pack, wanted: int) -> str:
    if pack.stock_quantity == 0:
        return f"{pack.display_name} is out of stock."
    return f"{pack.display_name}: only {pack.stock_quantity} left in stock, {wanted} requested."


# --- Stock -----------------------------------------------------------------------------------------------


def reserve_stock(*, quantities: Mapping[int, int]) -> dict[int, Pack]:
    """Take `quantities` ({pack_id: units}) out of stock, all or nothing. Must run inside the caller's
    transaction: the rows stay locked until it commits, so concurrent checkouts never oversell."""
    packs = packs_for_update(pack_ids=quantities)
    for pack_id, quantity in sorted(quantities.items()):
        pack = packs[pack_id]
        if quantity > pack.stock_quantity:
            raise OutOfStock(_out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku,
                             available=pack.stock_quantity)
    for pack_id, quantity in sorted(quantities.items()):
        # Conditional update: the database refuses to go below zero even if a lock were ever missed.
        updated = Pack.objects.filter(pk=pack_id, stock_quantity__gte=quantity).update(
            stock_quantity=F("stock_quantity") - quantity
        )
        if updated != 1:
            raise OutOfStock(f"{packs[pack_id].display_name} is out of stock.", sku=packs[pack_id].sku)
    return packs


def release_stock(*, quantities: Mapping[int, int]) -> None:
    """Put units back (a rejected or cancelled order). Runs inside the caller's transaction."""
    packs_for_update(pack_ids=quantities)
    for pack_id, quantity in sorted(quantities.items()):
        Pack.objects.filter(pk=pack_id).update(stock_quantity=F("stock_quantity") + quantity)


@transaction.atomic
def set_stock(*, pack: Pack, quantity: int) -> Pack:
    """Stock take: record the counted units on hand."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InvalidQuantity("Stock on hand must be a whole number of 0 or more.", field="stock_quantity")
    packs_for_update(pack_ids=[pack.pk])
    Pack.objects.filter(pk=pack.pk).update(stock_quantity=quantity)
    pack.refresh_from_db(fields=["stock_quantity"])
    return pack


@transaction.atomic
def set_price(*, pack: Pack, amount: Decimal) -> Pack:
    """Reprice a pack. Orders already placed keep the price they were sold at (OrderLine copies it)."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise InvalidPrice("A price is an amount of 0 or more, such as 4.99.", field="price_amount")
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("10000000000"):
        raise InvalidPrice("A price has at most two decimal places and ten digits before the point.",
                           field="price_amount")
    packs_for_update(pack_ids=[pack.pk])
    Pack.objects.filter(pk=pack.pk).update(price_amount=amount)
    pack.refresh_from_db(fields=["price_amount"])
    return pack


# --- Leaflets ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionText:
    key: str
    heading: str
    body: str


def _next_revision_number(product: Product) -> int:
    current = LeafletRevision.objects.filter(product=product).aggregate(number=Max("number"))["number"]
    return (current or 0) + 1


@transaction.atomic
def create_leaflet_draft(
    *, product: Product, revised_on: date, sections: Sequence[SectionText] = (),
    based_on: LeafletRevision | None = None, user=None,
) -> LeafletRevision:
    """A new, editable revision; `based_on` copies the sections of an earlier one to edit from."""
    Product.objects.select_for_update().filter(pk=product.pk).first()  # serialise numbering per product
    draft = LeafletRevision.objects.create(
        product=product, number=_next_revision_number(product), revised_on=revised_on, created_by=user
    )
    if based_on is not None and not sections:
        sections = [SectionText(s.key, s.heading, s.body) for s in based_on.sections.order_by("position")]
    _write_sections(draft, sections)
    return draft


def _write_sections(revision: LeafletRevision, sections: Sequence[SectionText]) -> None:
    order = {key: index for index, key in enumerate(LeafletSectionKey.values)}
    LeafletSection.objects.bulk_create(
        LeafletSection(revision=revision, key=s.key, heading=s.heading, body=s.body, position=order[s.key])
        for s in sections
    )


@transaction.atomic
def publish_leaflet_revision(*, revision: LeafletRevision) -> LeafletRevision:
    """Freeze a draft. From now on it is what shoppers read and what order lines point at."""
    revision = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.is_published:
        raise LeafletRevisionPublished(f"Revision {revision.number} of {revision.product} is already published.")
    present = set(revision.sections.values_list("key", flat=True))
    missing = [label for key, label in LeafletSectionKey.choices if key not in present]
    if missing:
        raise LeafletIncomplete("The leaflet is missing: " + "; ".join(missing) + ".", missing=missing)
    empty = list(revision.sections.filter(body="").values_list("heading", flat=True))
    if empty:
        raise LeafletIncomplete("These leaflet sections are empty: " + "; ".join(empty) + ".")
    LeafletRevision.objects.filter(pk=revision.pk).update(published_at=timezone.now())
    revision.refresh_from_db()
    return revision


@transaction.atomic
def publish_new_leaflet_revision(
    *, product: Product, revised_on: date, sections: Sequence[SectionText], user=None
) -> LeafletRevision:
    draft = create_leaflet_draft(product=product, revised_on=revised_on, sections=sections, user=user)
    return publish_leaflet_revision(revision=draft)



# --- Search documents ----------------------------------------------------------------------------------

SEARCH_DOCUMENT_BATCH = 1000


def refresh_search_documents(*, product_ids: Iterable[int]) -> int:
    """Rebuild the search document of each product from its name, active packs' ingredients, also-known-as
    names and uses. Every write path that changes one of them calls this (admin, import, demo loader and
    the services here); bulk writes send no signals, so nothing else would. A few queries per 1,000."""
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), SEARCH_DOCUMENT_BATCH):
        chunk = ids[start:start + SEARCH_DOCUMENT_BATCH]
        ingredients: dict[int, set[str]] = {pk: set() for pk in chunk}
        for product_id, name in (
            Strength.objects.filter(pack__product_id__in=chunk, pack__is_active=True)
            .values_list("pack__product_id", "ingredient__name").distinct()
        ):
            ingredients[product_id].add(name)
        synonyms: dict[int, list[str]] = {pk: [] for pk in chunk}
        for product_id, name in ProductSynonym.objects.filter(product_id__in=chunk).values_list("product_id", "name"):
            synonyms[product_id].append(name)
        documents = [
            ProductSearchDocument(product_id=pk, **document_values(
                name=name, legal_category=legal_category, ingredients=ingredients[pk], synonyms=synonyms[pk],
                indications=indications,
            ))
            for pk, name, legal_category, indications in Product.objects.filter(pk__in=chunk).values_list(
                "pk", "name", "legal_category", "indications")
        ]
        ProductSearchDocument.objects.bulk_create(
            documents, update_conflicts=True, unique_fields=["product"],
            update_fields=["name_text", "ingredient_text", "synonym_text", "indication_text", "all_names",
                           "updated_at"],
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
    ProductSynonym.objects.bulk_create(ProductSynonym(product=product, name=name)
                                       for name in names if name not in existing)
    refresh_search_documents(product_ids=[product.pk])
    return names


@transaction.atomic
def set_product_indications(*, product: Product, indications: str) -> Product:
    """Set what the medicine is used for (searchable for GSL and P medicines only) and reindex it."""
    Product.objects.filter(pk=product.pk).update(indications=indications.strip())
    product.refresh_from_db(fields=["indications"])
    refresh_search_documents(product_ids=[product.pk])
    return product
