"""Every row lock of the catalog, in one place. Locks are taken in primary-key order so that two
checkouts touching the same packs in a different order cannot deadlock. Batches are only ever locked
after their packs (stock take, dispatch, recall), so the pack lock is the one that serialises stock."""

from collections.abc import Iterable

from .models import Pack, StockBatch


def packs_for_update(*, pack_ids: Iterable[int]) -> dict[int, Pack]:
    # list() forces the query: a lazy queryset takes no lock.
    packs = list(Pack.objects.filter(pk__in=set(pack_ids)).order_by("pk").select_for_update())
    return {pack.pk: pack for pack in packs}


def batches_for_update(*, pack_ids: Iterable[int]) -> list[StockBatch]:
    """The batches of these packs, locked in primary-key order. Take packs_for_update first."""
    return list(StockBatch.objects.filter(pack_id__in=set(pack_ids)).order_by("pk").select_for_update())
