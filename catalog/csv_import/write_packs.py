"""Write the packs of a checked file: packs, their batches' counts, PZNs and strengths."""

from collections.abc import Callable, Sequence

from catalog.exceptions import InvalidBatch
from catalog.locks import packs_for_update
from catalog.models import LEGACY_BATCH_EXPIRY, LEGACY_BATCH_NUMBER, Pack, StockBatch, Strength

from .bulk import chunks, fields_of, rows_where
from .checks import LOOKUP_CHUNK
from .rows import PackValues

PACK_FIELDS = ["product_id", "gtin", "pack_size", "pack_unit", "price_amount", "currency", "max_per_order", "is_active"]
STRENGTH_FIELDS = ["amount", "unit", "per_amount", "per_unit", "position"]


def upsert_packs(
    packs: Sequence[PackValues],
    product_ids: dict[str, int],
    batch_size: int,
    on_packs_written: Callable[[int], None] | None,
) -> tuple[dict[str, int], set, set]:
    """Upsert on SKU; returns ({sku: id}, new SKUs, changed SKUs). Stock is written per batch afterwards
    (count_batches); a pack whose only change is its count is reported as changed."""
    rows = Pack.objects.values_list("id", "sku", *PACK_FIELDS)
    skus = [pack.sku for pack in packs]
    existing = {sku: (pk, values) for pk, sku, *values in rows_where(rows, "sku", skus)}
    counted = _current_counts(
        [pack for pack in packs if pack.stock is not None and pack.sku in existing],
        {sku: pk for sku, (pk, _) in existing.items()},
    )
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
    for chunk in chunks(changed, batch_size):
        Pack.objects.bulk_create(
            [Pack(sku=pack.sku, **fields_of(PACK_FIELDS, values)) for pack, values in chunk],
            update_conflicts=True,
            unique_fields=["sku"],
            update_fields=[*PACK_FIELDS, "updated_at"],
        )
        if on_packs_written:
            on_packs_written(len(chunk))
    new = {pack.sku for pack, _ in changed if pack.sku not in existing}
    ids = {sku: pk for sku, (pk, _) in existing.items()}
    ids.update(rows_where(Pack.objects.values_list("sku", "id"), "sku", list(new)))
    return ids, new, {pack.sku for pack, _ in changed}


def _current_counts(packs: Sequence[PackValues], pack_ids: dict[str, int]) -> dict[str, int | None]:
    """{sku: units in the batch the row counts}, to tell whether a row changes the stock."""
    if not packs:
        return {}
    rows = StockBatch.objects.values_list("pack_id", "batch_number", "quantity_on_hand")
    batches: dict[int, dict[str, int]] = {}
    for pack_id, number, units in rows_where(rows, "pack_id", [pack_ids[pack.sku] for pack in packs]):
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


def count_batches(packs: Sequence[PackValues], pack_ids: dict[str, int], batch_size: int) -> None:
    """Stock take from the file: each row's `stock` is the units counted in its batch. A row without a
    batch number (files from before batches) counts the pack's only batch, or its existing LEGACY batch;
    it creates none, so a pack with no batch yet gets no stock from it. Allocations are never touched.
    Takes the packs' row locks, like every stock change."""
    # Chunks in pack-id order, so the row locks are taken in one global order (as checkouts take them).
    counted = sorted((pack for pack in packs if pack.stock is not None), key=lambda pack: pack_ids[pack.sku])
    for chunk in chunks(counted, batch_size):
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
            batches.append(
                (
                    StockBatch(
                        pack_id=pack_id,
                        batch_number=number,
                        quantity_on_hand=pack.stock,
                        # a counted batch exists: its expiry is kept (never inserted)
                        expiry_date=expiry or LEGACY_BATCH_EXPIRY,
                    ),
                    expiry is not None,
                )
            )
        if ambiguous:
            raise InvalidBatch(
                "These packs are held in several batches; add batch_number and expiry_date "
                "columns to count each: " + ", ".join(ambiguous) + ".",
                field="batch_number",
            )
        for with_expiry in (True, False):
            StockBatch.objects.bulk_create(
                [batch for batch, expiry_given in batches if expiry_given == with_expiry],
                update_conflicts=True,
                unique_fields=["pack", "batch_number"],
                update_fields=["quantity_on_hand", "updated_at", *(["expiry_date"] if with_expiry else [])],
            )


def set_pzns(packs: Sequence[PackValues], pack_ids: dict[str, int], batch_size: int) -> set[str]:
    """Set each pack's PZN where the file has the column (blank clears it); returns the SKUs it changed."""
    wanted = {pack_ids[pack.sku]: pack.pzn for pack in packs if pack.has_pzn}
    rows = Pack.objects.values_list("id", "sku", "pzn")
    changed = {
        sku: Pack(pk=pk, pzn=wanted[pk]) for pk, sku, pzn in rows_where(rows, "id", list(wanted)) if pzn != wanted[pk]
    }
    Pack.objects.bulk_update(changed.values(), ["pzn"], batch_size=batch_size)
    return set(changed)


def _pack_values(pack: PackValues, product_ids: dict[str, int]) -> list:
    return [
        product_ids[pack.product_slug],
        pack.gtin,
        pack.pack_size,
        pack.pack_unit,
        pack.price,
        pack.currency,
        pack.max_per_order,
        pack.is_active,
    ]


def replace_strengths(
    packs: Sequence[PackValues], pack_ids: dict[str, int], ingredient_ids: dict[str, int], batch_size: int
) -> set[str]:
    """Make each pack's strengths the file's; returns the SKUs of packs whose strengths changed."""
    wanted = {
        (pack_ids[pack.sku], ingredient_ids[strength.ingredient]): [
            strength.amount,
            strength.unit,
            strength.per_amount,
            strength.per_unit,
            position,
        ]
        for pack in packs
        for position, strength in enumerate(pack.strengths)
    }
    stale, unchanged = [], set()
    rows = Strength.objects.values_list("id", "pack_id", "ingredient_id", *STRENGTH_FIELDS)
    for pk, pack_id, ingredient_id, *values in rows_where(rows, "pack_id", list(pack_ids.values())):
        key = (pack_id, ingredient_id)
        if key not in wanted:
            stale.append((pk, pack_id))
        elif wanted[key] == values:
            unchanged.add(key)
    for chunk in chunks(stale, LOOKUP_CHUNK):
        Strength.objects.filter(pk__in=[pk for pk, _ in chunk]).delete()
    upserts = [(key, values) for key, values in wanted.items() if key not in unchanged]
    Strength.objects.bulk_create(
        (
            Strength(pack_id=pack, ingredient_id=ingredient, **fields_of(STRENGTH_FIELDS, values))
            for (pack, ingredient), values in upserts
        ),
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["pack", "ingredient"],
        update_fields=STRENGTH_FIELDS,
    )
    changed_ids = {pack_id for _, pack_id in stale} | {pack_id for (pack_id, _), _ in upserts}
    return {sku for sku, pk in pack_ids.items() if pk in changed_ids}
