"""Allocating and releasing the stock of live orders, under the packs' row locks."""

from collections.abc import Mapping
from datetime import date

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Greatest

from pharmacy.compiled_query import AmongIds, CompiledQuery, CompiledUpdate

from ..cache import bump_catalog_version
from ..exceptions import OutOfStock
from ..locks import packs_for_update
from ..models import Pack, StockBatch, usable_expiry_after
from .purchase import out_of_stock_message

#
# Units on hand live in StockBatch rows; the pack keeps `allocated_quantity`, the units live orders hold.
# Available = on hand in usable batches (in date beyond the margin, not recalled) - allocated. Every
# change takes the pack row locks first (catalog.locks, primary-key order), then the batches'.


def _sellable_on_hand(pack_ids) -> dict[int, int]:
    rows = _COMPILED_SELLABLE_ON_HAND.run(ids=sorted(set(pack_ids)), expiry_after=usable_expiry_after())
    return dict(rows)


def _sellable_on_hand_rows(*, ids: list[int], expiry_after: date):
    return (
        StockBatch.objects.usable(expiry_after)
        .filter(AmongIds("pack_id", ids))
        .order_by()
        .values("pack_id")
        .annotate(total=Sum("quantity_on_hand"))
        .values_list("pack_id", "total")
    )


# Every checkout counts its packs' stock under their locks: compiled once per process, found again by an
# id no pack has and a date no batch uses.
_COMPILED_SELLABLE_ON_HAND = CompiledQuery(StockBatch, _sellable_on_hand_rows, ids=[-4_242_442],
                                           expiry_after=date(1901, 3, 4))


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
            raise OutOfStock(
                out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku, available=pack.available_quantity
            )
    # One conditional UPDATE for every pack (a checkout costs the same queries whatever its lines): each
    # row is allocated only while it still has what was counted under the lock, so a row that changed
    # anyway is left out, the count falls short, and the caller's transaction rolls everything back.
    updated = _allocate(quantities=quantities, ceilings={pack_id: on_hand.get(pack_id, 0) - quantity
                                                         for pack_id, quantity in quantities.items()})
    if updated != len(quantities):  # not expected under the row locks; refuse rather than oversell
        raise OutOfStock(
            "Stock changed while the order was being placed; nothing was reserved. Please try again.", field="cart"
        )
    for pack_id, quantity in quantities.items():
        packs[pack_id].allocated_quantity += quantity
        packs[pack_id].__dict__["stock_available"] -= quantity
    if any(pack.available_quantity == 0 for pack in packs.values()):
        bump_catalog_version()  # the last units went: a pack now reads "out of stock" (not on every checkout)
    return packs


def _per_pack(quantities: Mapping[int, int]) -> Case:
    """`quantities` ({pack_id: units}) as one SQL expression of the row's pk, for a single UPDATE."""
    return Case(
        *(When(pk=pack_id, then=Value(quantity)) for pack_id, quantity in quantities.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _allocation(*, where_ids: list[int], case_ids: list[int], quantities: list[int], ceilings: list[int]):
    """The allocating UPDATE: each pack (its id in where_ids and, the same, in case_ids) gets its quantity
    while its allocation is at most its ceiling."""
    still_has_it = Q()
    for pack_id, ceiling in zip(where_ids, ceilings, strict=True):
        still_has_it |= Q(pk=pack_id, allocated_quantity__lte=ceiling)
    return (Pack.objects.filter(still_has_it),
            {"allocated_quantity": F("allocated_quantity") + _per_pack(dict(zip(case_ids, quantities, strict=True)))})


def _compiled_allocation(count: int) -> CompiledUpdate:
    """_allocation for `count` packs, each value a stand-in of its own (a pack's id appears twice in the
    SQL: as two stand-ins, run with the same id)."""

    def build(**values):
        def column(kind: str) -> list[int]:
            return [values[f"{kind}_{index}"] for index in range(count)]

        return _allocation(where_ids=column("where_id"), case_ids=column("case_id"), quantities=column("quantity"),
                           ceilings=column("ceiling"))

    names = [f"{kind}_{index}" for kind in ("where_id", "case_id", "quantity", "ceiling") for index in range(count)]
    return CompiledUpdate(Pack, build, **{name: 4_242_000 + position for position, name in enumerate(names)})


# Checkouts allocate one to a few packs: the UPDATE for each number of packs up to this one is compiled
# once per process (pharmacy.compiled_query); a larger order builds its own.
MOST_PACKS_COMPILED = 20
_COMPILED_ALLOCATIONS: dict[int, CompiledUpdate] = {}


def _allocate(*, quantities: Mapping[int, int], ceilings: Mapping[int, int]) -> int:
    ids = list(quantities)
    if len(ids) > MOST_PACKS_COMPILED:
        queryset, values = _allocation(where_ids=ids, case_ids=ids, quantities=[quantities[pk] for pk in ids],
                                       ceilings=[ceilings[pk] for pk in ids])
        return queryset.update(**values)
    compiled = _COMPILED_ALLOCATIONS.get(len(ids))
    if compiled is None:
        compiled = _COMPILED_ALLOCATIONS[len(ids)] = _compiled_allocation(len(ids))
    values = {}
    for index, pack_id in enumerate(ids):
        values.update({f"where_id_{index}": pack_id, f"case_id_{index}": pack_id,
                       f"quantity_{index}": quantities[pack_id], f"ceiling_{index}": ceilings[pack_id]})
    return compiled.run(**values)


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
