"""Catalog writes and the one purchase policy: may this pack be bought, in this quantity, now?"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from .cache import bump_catalog_version
from .coverage_reviews import check_publishable
from .exceptions import (
    AllocationMismatch,
    BatchesUnavailable,
    ControlledDrugNotSoldOnline,
    InvalidBatch,
    InvalidPrice,
    InvalidQuantity,
    LeafletIncomplete,
    LeafletRevisionPublished,
    OutOfStock,
    PackUnavailable,
    QuantityLimitExceeded,
    UnknownBatch,
)
from .locks import batches_for_update, leaflet_revision_for_update, packs_for_update, product_for_update
from .models import (
    LEGACY_BATCH_NUMBER,
    LeafletRevision,
    LeafletSection,
    LeafletSectionKey,
    Pack,
    Product,
    ProductSearchDocument,
    ProductSynonym,
    StockBatch,
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
    if check_stock and quantity > pack.available_quantity:
        raise OutOfStock(_out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku,
                         available=pack.available_quantity)


def purchase_policy_settings() -> tuple:
    """What check_pack_purchasable reads besides the pack and the quantity: part of the key of anything
    cached from its answers (the product page), so a change of these settings is never served stale."""
    return (settings.ALLOW_CONTROLLED_DRUGS_ONLINE, tuple(sorted(settings.CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE)))


def _out_of_stock_message(pack: Pack, wanted: int) -> str:
    if pack.available_quantity == 0:
        return f"{pack.display_name} is out of stock."
    return f"{pack.display_name}: only {pack.available_quantity} left in stock, {wanted} requested."


# --- Stock ---------------------------------------------------------------------------------------------
#
# Units on hand live in StockBatch rows; the pack keeps `allocated_quantity`, the units live orders hold.
# Available = on hand in usable batches (in date beyond the margin, not recalled) - allocated. Every
# change takes the pack row locks first (catalog.locks, primary-key order), then the batches'.


def _sellable_on_hand(pack_ids) -> dict[int, int]:
    rows = (
        StockBatch.objects.usable().filter(pack_id__in=set(pack_ids)).order_by()
        .values("pack_id").annotate(total=Sum("quantity_on_hand")).values_list("pack_id", "total")
    )
    return dict(rows)


def reserve_stock(*, quantities: Mapping[int, int]) -> dict[int, Pack]:
    """Allocate `quantities` ({pack_id: units}) to an order, all or nothing, without choosing a batch
    (dispatch does). Must run inside the caller's transaction: the pack rows stay locked until it
    commits, so concurrent checkouts never oversell."""
    packs = packs_for_update(pack_ids=quantities)
    on_hand = _sellable_on_hand(quantities)
    for pack_id, quantity in sorted(quantities.items()):
        pack = packs[pack_id]
        pack.__dict__["stock_available"] = max(on_hand.get(pack_id, 0) - pack.allocated_quantity, 0)
        if quantity > pack.available_quantity:
            raise OutOfStock(_out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku,
                             available=pack.available_quantity)
    # One conditional UPDATE for every pack (a checkout costs the same queries whatever its lines): each
    # row is allocated only while it still has what was counted under the lock, so a row that changed
    # anyway is left out, the count falls short, and the caller's transaction rolls everything back.
    still_has_it = Q()
    for pack_id, quantity in quantities.items():
        still_has_it |= Q(pk=pack_id, allocated_quantity__lte=on_hand.get(pack_id, 0) - quantity)
    updated = Pack.objects.filter(still_has_it).update(
        allocated_quantity=F("allocated_quantity") + _per_pack(quantities)
    )
    if updated != len(quantities):  # not expected under the row locks; refuse rather than oversell
        raise OutOfStock("Stock changed while the order was being placed; nothing was reserved. Please try again.",
                         field="cart")
    for pack_id, quantity in quantities.items():
        packs[pack_id].allocated_quantity += quantity
        packs[pack_id].__dict__["stock_available"] -= quantity
    if any(pack.available_quantity == 0 for pack in packs.values()):
        bump_catalog_version()  # the last units went: a pack now reads "out of stock" (not on every checkout)
    return packs


def _per_pack(quantities: Mapping[int, int]) -> Case:
    """`quantities` ({pack_id: units}) as one SQL expression of the row's pk, for a single UPDATE."""
    return Case(*(When(pk=pack_id, then=Value(quantity)) for pack_id, quantity in quantities.items()),
                default=Value(0), output_field=IntegerField())


def release_stock(*, quantities: Mapping[int, int]) -> None:
    """Give an allocation back (a cancelled or refused order, or a refused line). Runs inside the
    caller's transaction. The units never left their batches, so only the allocation changes."""
    packs = packs_for_update(pack_ids=quantities)
    on_hand = _sellable_on_hand(quantities)
    was_out = any(on_hand.get(pack_id, 0) <= pack.allocated_quantity for pack_id, pack in packs.items())
    Pack.objects.filter(pk__in=list(quantities)).update(
        allocated_quantity=Greatest(F("allocated_quantity") - _per_pack(quantities), Value(0))
    )
    if was_out:
        bump_catalog_version()  # a pack that read "out of stock" is back in stock


@dataclass(frozen=True)
class BatchPick:
    """Units of one batch picked for one dispatched line."""

    batch: StockBatch
    quantity: int

    @property
    def batch_number(self) -> str:
        return self.batch.batch_number

    @property
    def expiry_date(self) -> date:
        return self.batch.expiry_date


@dataclass(frozen=True)
class BatchShortfall:
    """A line usable batches cannot cover: `needed` units of the pack, `usable` in batches it may take."""

    index: int
    pack_id: int
    needed: int
    usable: int
    legacy_allowed: bool


def plan_batch_picks(
    *, lines: Sequence[tuple], batches: Iterable[StockBatch]
) -> tuple[list[list[BatchPick]], list[BatchShortfall]]:
    """First-expiry-first-out over `batches`, writing nothing: the picks per line, in the order given, and
    the lines left short. A line is (pack_id, units) or (pack_id, units, legacy_allowed); a line that may
    not take placeholder stock (a P or POM medicine) skips the LEGACY batch. Unusable batches (expired,
    within the margin, recalled) are never picked."""
    usable = sorted((batch for batch in batches if batch.is_usable), key=lambda batch: (batch.expiry_date, batch.pk))
    left = {batch.pk: batch.quantity_on_hand for batch in usable}
    picks: list[list[BatchPick]] = []
    shortfalls: list[BatchShortfall] = []
    for index, (pack_id, quantity, *rest) in enumerate(lines):
        check_quantity(quantity)
        legacy_allowed = rest[0] if rest else True
        candidates = [batch for batch in usable if batch.pack_id == pack_id
                      and (legacy_allowed or batch.batch_number != LEGACY_BATCH_NUMBER)]
        wanted, line_picks = quantity, []
        for batch in candidates:
            if not left[batch.pk]:
                continue
            taken = min(wanted, left[batch.pk])
            left[batch.pk] -= taken
            wanted -= taken
            line_picks.append(BatchPick(batch=batch, quantity=taken))
            if not wanted:
                break
        if wanted:
            shortfalls.append(BatchShortfall(
                index=index, pack_id=pack_id, needed=quantity, legacy_allowed=legacy_allowed,
                usable=sum(batch.quantity_on_hand for batch in candidates)))
        picks.append(line_picks)
    return picks, shortfalls


def find_batch_shortfalls(*, lines: Sequence[tuple]) -> list[BatchShortfall]:
    """The lines usable batches cannot cover now (a read: no lock, nothing written)."""
    pack_ids = {pack_id for pack_id, *_ in lines}
    return plan_batch_picks(lines=lines, batches=StockBatch.objects.filter(pack_id__in=pack_ids))[1]


def batch_shortfall_message(shortfall: BatchShortfall, pack: Pack) -> str:
    placeholder = "" if shortfall.legacy_allowed else (
        " (placeholder LEGACY stock is never sent for a pharmacy or prescription-only medicine)")
    return (f"{pack.sku} {pack.display_name}: {shortfall.needed} needed but only {shortfall.usable} in batches that "
            f"are in date for more than {settings.STOCK_EXPIRY_MARGIN_DAYS} days and not recalled{placeholder}.")


def pick_batches_for_dispatch(*, lines: Sequence[tuple]) -> list[list[BatchPick]]:
    """Pick the batches to send for each (pack_id, units[, legacy_allowed]) line, first-expiry-first-out,
    from usable batches only (never expired, never expiring within STOCK_EXPIRY_MARGIN_DAYS, never
    recalled; never LEGACY for a line that does not allow it).

    Takes the units out of the batches and out of the packs' allocations, and returns the picks per
    line, in the order given. Refuses with BatchesUnavailable, changing nothing, if usable batches
    cannot cover every line. Must run inside the caller's transaction.
    """
    # No cache bump here: units leave their batches and the allocation together, so what a pack can
    # sell (usable on hand less allocated) and its in-stock flag stay the same.
    pack_ids = {pack_id for pack_id, *_ in lines}
    packs = packs_for_update(pack_ids=pack_ids)
    picks, shortfalls = plan_batch_picks(lines=lines, batches=batches_for_update(pack_ids=pack_ids))
    if shortfalls:
        shortfall = shortfalls[0]
        pack = packs[shortfall.pack_id]
        raise BatchesUnavailable(
            batch_shortfall_message(shortfall, pack) + " Dispatch refused; count the stock or receive a new batch.",
            sku=pack.sku, needed=shortfall.needed, usable=shortfall.usable,
        )

    totals: dict[int, int] = {}
    for pack_id, quantity, *_ in lines:
        totals[pack_id] = totals.get(pack_id, 0) + quantity
    for pack_id, quantity in sorted(totals.items()):
        if packs[pack_id].allocated_quantity < quantity:
            raise AllocationMismatch(
                f"{packs[pack_id].sku}: only {packs[pack_id].allocated_quantity} units are allocated to orders, "
                f"{quantity} are being dispatched.", sku=packs[pack_id].sku,
            )
    for pack_id, quantity in sorted(totals.items()):
        Pack.objects.filter(pk=pack_id, allocated_quantity__gte=quantity).update(
            allocated_quantity=F("allocated_quantity") - quantity
        )
    taken: dict[int, int] = {}
    for line_picks in picks:
        for pick in line_picks:
            taken[pick.batch.pk] = taken.get(pick.batch.pk, 0) + pick.quantity
    for batch_id, quantity in sorted(taken.items()):
        updated = StockBatch.objects.filter(pk=batch_id, quantity_on_hand__gte=quantity).update(
            quantity_on_hand=F("quantity_on_hand") - quantity, updated_at=timezone.now()
        )
        if updated != 1:  # unreachable under the locks; the database refuses it anyway
            raise BatchesUnavailable()
    return picks


def _check_count(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InvalidQuantity("Stock on hand must be a whole number of 0 or more.", field="quantity_on_hand")
    return quantity


@transaction.atomic
def record_stock_take(
    *, pack: Pack, batch_number: str, quantity: int, expiry_date: date | None = None
) -> StockBatch:
    """Stock take of one batch: record the units counted on the shelf. A new batch number needs its
    expiry date (it is received into stock). Allocations are never touched: units allocated to orders
    not yet dispatched are still on the shelf and are counted with the rest, so a count of 10 with 3
    allocated leaves 7 to sell."""
    _check_count(quantity)
    batch_number = (batch_number or "").strip()
    if not batch_number or len(batch_number) > StockBatch._meta.get_field("batch_number").max_length:
        raise InvalidBatch("Enter the batch number printed on the pack (at most 40 characters).",
                           field="batch_number")
    packs_for_update(pack_ids=[pack.pk])
    batch = next(iter(batches_for_update(pack_ids=[pack.pk], batch_numbers=[batch_number])), None)
    if batch is None:
        if expiry_date is None:
            raise InvalidBatch(f"Batch {batch_number} of {pack.sku} is new: enter its expiry date.",
                               field="expiry_date")
        batch = StockBatch.objects.create(pack=pack, batch_number=batch_number, expiry_date=expiry_date,
                                          quantity_on_hand=quantity)
    else:
        fields = {"quantity_on_hand": quantity, "updated_at": timezone.now()}
        if expiry_date is not None:
            fields["expiry_date"] = expiry_date
        StockBatch.objects.filter(pk=batch.pk).update(**fields)
        batch.refresh_from_db()
    pack.__dict__.pop("stock_available", None)
    bump_catalog_version()  # a count is a staff action, rare enough to bump without checking for a flip
    return batch


@transaction.atomic
def set_stock(*, pack: Pack, quantity: int) -> Pack:
    """Stock take of a pack held in one batch (kept for the single-count callers). A pack with several
    batches is counted per batch, with record_stock_take."""
    _check_count(quantity)
    packs_for_update(pack_ids=[pack.pk])
    batches = batches_for_update(pack_ids=[pack.pk])
    if len(batches) != 1:
        raise InvalidBatch(
            f"{pack.sku} is held in {len(batches)} batches: count each batch, with its batch number.",
            field="batch_number",
        )
    record_stock_take(pack=pack, batch_number=batches[0].batch_number, quantity=quantity)
    return pack


@transaction.atomic
def recall_batches(*, pack: Pack, batch_numbers: Sequence[str], reason: str) -> list[StockBatch]:
    """Mark batches of a pack recalled: they are no longer sold or dispatched. Refuses, changing
    nothing, if any batch number is not a batch of this pack. Recalling twice keeps the first time."""
    numbers = sorted({number.strip() for number in batch_numbers if number and number.strip()})
    if not numbers:
        raise InvalidBatch("Enter at least one batch number to recall.", field="batch_numbers")
    if not reason or not reason.strip():
        raise InvalidBatch("Give the reason for the recall, e.g. the MHRA drug alert reference.", field="reason")
    packs_for_update(pack_ids=[pack.pk])
    batches = batches_for_update(pack_ids=[pack.pk], batch_numbers=numbers)
    unknown = sorted(set(numbers) - {batch.batch_number for batch in batches})
    if unknown:
        raise UnknownBatch(f"{pack.sku} has no batch {', '.join(unknown)}.", field="batch_numbers", unknown=unknown)
    StockBatch.objects.filter(pk__in=[b.pk for b in batches], recalled=False).update(
        recalled=True, recalled_at=timezone.now(), recall_reason=reason.strip(), updated_at=timezone.now()
    )
    for batch in batches:
        batch.refresh_from_db()
    pack.__dict__.pop("stock_available", None)
    bump_catalog_version()
    return batches


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
    bump_catalog_version()
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
    product_for_update(product_id=product.pk)  # serialise numbering per product
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
    revision = leaflet_revision_for_update(revision_id=revision.pk)
    if revision.is_published:
        raise LeafletRevisionPublished(f"Revision {revision.number} of {revision.product} is already published.")
    present = set(revision.sections.values_list("key", flat=True))
    missing = [label for key, label in LeafletSectionKey.choices if key not in present]
    if missing:
        raise LeafletIncomplete("The leaflet is missing: " + "; ".join(missing) + ".", missing=missing)
    empty = list(revision.sections.filter(body="").values_list("heading", flat=True))
    if empty:
        raise LeafletIncomplete("These leaflet sections are empty: " + "; ".join(empty) + ".")
    check_publishable(revision.product)
    LeafletRevision.objects.filter(pk=revision.pk).update(published_at=timezone.now())
    bump_catalog_version()
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
    # Every write to what the catalog shows (admin, import, synonyms, uses) ends here: one bump covers them.
    bump_catalog_version()
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
