"""Every row lock of the catalog, in one place. Locks are taken in primary-key order so that two
checkouts touching the same packs in a different order cannot deadlock. Batches are only ever locked
after their packs (stock take, dispatch, recall), so the pack lock is the one that serialises stock."""

from collections.abc import Iterable

from pharmacy.compiled_query import AmongIds, CompiledQuery

from .models import LeafletRevision, Pack, Product, StockBatch

# Every checkout locks its packs: the SQL is compiled once per process (pharmacy.compiled_query), the ids
# one parameter whatever their number.
_COMPILED_PACKS_FOR_UPDATE = CompiledQuery(
    Pack, lambda *, ids: Pack.objects.filter(AmongIds("pk", ids)).order_by("pk").select_for_update(),
    ids=[-4_242_441],
)


def packs_for_update(*, pack_ids: Iterable[int]) -> dict[int, Pack]:
    # run() fetches every row: the lock is taken, as list() on a queryset would.
    packs = _COMPILED_PACKS_FOR_UPDATE.run(ids=sorted(set(pack_ids)))
    return {pack.pk: pack for pack in packs}


def batches_for_update(*, pack_ids: Iterable[int], batch_numbers: Iterable[str] | None = None) -> list[StockBatch]:
    """The batches of these packs (only those numbered `batch_numbers`, if given), locked in primary-key
    order. Take packs_for_update first."""
    batches = StockBatch.objects.filter(pack_id__in=set(pack_ids))
    if batch_numbers is not None:
        batches = batches.filter(batch_number__in=set(batch_numbers))
    return list(batches.order_by("pk").select_for_update())


def product_for_update(*, product_id: int) -> Product:
    """The product row, locked: it serialises reclassifications of one product and the numbering of its
    leaflet revisions. Taken alone, or before that product's leaflet revision, never while holding packs."""
    return Product.objects.select_for_update().get(pk=product_id)


def leaflet_revision_for_update(*, revision_id: int) -> LeafletRevision:
    """The revision, locked, so a draft is published once."""
    return LeafletRevision.objects.select_for_update().get(pk=revision_id)
