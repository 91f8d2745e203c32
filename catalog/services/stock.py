"""Stock takes, recalls and prices of packs."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..cache import bump_catalog_version
from ..exceptions import InvalidBatch, InvalidPrice, InvalidQuantity, UnknownBatch
from ..locks import batches_for_update, packs_for_update
from ..models import Pack, StockBatch


def _check_count(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InvalidQuantity("Stock on hand must be a whole number of 0 or more.", field="quantity_on_hand")
    return quantity


@transaction.atomic
def record_stock_take(*, pack: Pack, batch_number: str, quantity: int, expiry_date: date | None = None) -> StockBatch:
    """Stock take of one batch: record the units counted on the shelf. A new batch number needs its
    expiry date (it is received into stock). Allocations are never touched: units allocated to orders
    not yet dispatched are still on the shelf and are counted with the rest, so a count of 10 with 3
    allocated leaves 7 to sell."""
    _check_count(quantity)
    batch_number = (batch_number or "").strip()
    if not batch_number or len(batch_number) > StockBatch._meta.get_field("batch_number").max_length:
        raise InvalidBatch("Enter the batch number printed on the pack (at most 40 characters).", field="batch_number")
    packs_for_update(pack_ids=[pack.pk])
    batch = next(iter(batches_for_update(pack_ids=[pack.pk], batch_numbers=[batch_number])), None)
    if batch is None:
        if expiry_date is None:
            raise InvalidBatch(
                f"Batch {batch_number} of {pack.sku} is new: enter its expiry date.", field="expiry_date"
            )
        batch = StockBatch.objects.create(
            pack=pack, batch_number=batch_number, expiry_date=expiry_date, quantity_on_hand=quantity
        )
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
        raise InvalidPrice(
            "A price has at most two decimal places and ten digits before the point.", field="price_amount"
        )
    packs_for_update(pack_ids=[pack.pk])
    Pack.objects.filter(pk=pack.pk).update(price_amount=amount)
    bump_catalog_version()
    pack.refresh_from_db(fields=["price_amount"])
    return pack
