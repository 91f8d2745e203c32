"""Picking batches first-expiry-first-out for dispatch."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..exceptions import AllocationMismatch, BatchesUnavailable
from ..locks import batches_for_update, packs_for_update
from ..models import LEGACY_BATCH_NUMBER, Pack, StockBatch
from .purchase import check_quantity


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
        candidates = [
            batch
            for batch in usable
            if batch.pack_id == pack_id and (legacy_allowed or batch.batch_number != LEGACY_BATCH_NUMBER)
        ]
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
            shortfalls.append(
                BatchShortfall(
                    index=index,
                    pack_id=pack_id,
                    needed=quantity,
                    legacy_allowed=legacy_allowed,
                    usable=sum(batch.quantity_on_hand for batch in candidates),
                )
            )
        picks.append(line_picks)
    return picks, shortfalls


def find_batch_shortfalls(*, lines: Sequence[tuple]) -> list[BatchShortfall]:
    """The lines usable batches cannot cover now (a read: no lock, nothing written)."""
    pack_ids = {pack_id for pack_id, *_ in lines}
    return plan_batch_picks(lines=lines, batches=StockBatch.objects.filter(pack_id__in=pack_ids))[1]


def batch_shortfall_message(shortfall: BatchShortfall, pack: Pack) -> str:
    placeholder = (
        ""
        if shortfall.legacy_allowed
        else (" (placeholder LEGACY stock is never sent for a pharmacy or prescription-only medicine)")
    )
    return (
        f"{pack.sku} {pack.display_name}: {shortfall.needed} needed but only {shortfall.usable} in batches that "
        f"are in date for more than {settings.STOCK_EXPIRY_MARGIN_DAYS} days and not recalled{placeholder}."
    )


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
            sku=pack.sku,
            needed=shortfall.needed,
            usable=shortfall.usable,
        )

    totals: dict[int, int] = {}
    for pack_id, quantity, *_ in lines:
        totals[pack_id] = totals.get(pack_id, 0) + quantity
    for pack_id, quantity in sorted(totals.items()):
        if packs[pack_id].allocated_quantity < quantity:
            raise AllocationMismatch(
                f"{packs[pack_id].sku}: only {packs[pack_id].allocated_quantity} units are allocated to orders, "
                f"{quantity} are being dispatched.",
                sku=packs[pack_id].sku,
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
