"""Cart reads: the lines with everything a page or endpoint shows, and what would block checkout."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects

from catalog.models import Ingredient, Strength, available_quantity_expression, usable_expiry_after
from catalog.services import check_pack_purchasable
from pharmacy.compiled_query import CompiledQuery
from pharmacy.exceptions import DomainError
from pharmacy.money import Money

from .models import Cart, CartLine

STRENGTHS = Prefetch("strengths", queryset=Strength.objects.select_related("ingredient").order_by("position"))


def _shaped(lines: QuerySet[CartLine], expiry_after: date | None) -> QuerySet[CartLine]:
    return (
        lines.select_related("pack__product")
        .annotate(pack_stock_available=available_quantity_expression("pack_id", "pack__allocated_quantity",
                                                                     expiry_after=expiry_after))
        .order_by("created_at", "pk")
    )


def _lines(*, cart_id: int, expiry_after: date | None = None) -> QuerySet[CartLine]:
    return _shaped(CartLine.objects.filter(cart_id=cart_id), expiry_after)


# A guest cart's lines come with their packs' strengths and the strengths' ingredients, a row per strength (a
# pack without any: one row of NULLs), rather than from a query of their own: a statement less per page.
_STRENGTH_ATTNAMES = [field.attname for field in Strength._meta.concrete_fields]
_INGREDIENT_ATTNAMES = [Ingredient._meta.pk.attname,  # the strength's ingredient_id, then the others
                        *(field.attname for field in Ingredient._meta.concrete_fields if not field.primary_key)]
_STRENGTH_COLUMNS = {f"strength_{name}": F(f"pack__strengths__{name}") for name in _STRENGTH_ATTNAMES}
_INGREDIENT_COLUMNS = {f"ingredient_{name}": F(f"pack__strengths__ingredient__{name}")
                       for name in _INGREDIENT_ATTNAMES[1:]}
_INGREDIENT = Strength._meta.get_field("ingredient")
_PACK = Strength._meta.get_field("pack")


def _guest_lines(*, token: uuid.UUID, expiry_after: date) -> QuerySet[CartLine]:
    """A guest cart's lines found by its token, each with its cart, a row per strength of its pack (in the
    strengths' order)."""
    return (
        _shaped(CartLine.objects.filter(cart__token=token, cart__user__isnull=True), expiry_after)
        .select_related("cart").annotate(**_STRENGTH_COLUMNS, **_INGREDIENT_COLUMNS)
        .order_by("created_at", "pk", "strength_position", "strength_id")
    )


def list_cart_lines(*, cart: Cart) -> QuerySet[CartLine]:
    return _lines(cart_id=cart.pk).prefetch_related(Prefetch("pack__" + STRENGTHS.prefetch_through,
                                                             queryset=STRENGTHS.queryset))


# The lines' queries compiled once per process, found again by a cart id (or token) and a date no row has.
_COMPILED_LINES = CompiledQuery(CartLine, _lines, cart_id=-4_242_424, expiry_after=date(1901, 2, 3))
_COMPILED_GUEST_LINES = CompiledQuery(CartLine, _guest_lines, token=uuid.UUID(int=0),  # no uuid4 is all zeros
                                      expiry_after=date(1901, 2, 3))


# The strengths of up to this many packs are read with a compiled query of that many ids (a shorter list
# repeats its first id); a larger cart's go through prefetch_related_objects.
COMPILED_STRENGTH_PACKS = 8
_COMPILED_STRENGTHS = CompiledQuery(
    Strength, lambda **pack_ids: STRENGTHS.queryset.filter(pack_id__in=list(pack_ids.values())),
    **{f"pack_{slot}": -4_242_500 - slot for slot in range(COMPILED_STRENGTH_PACKS)},
)


def _read_strengths(packs: list) -> None:
    """`pack.strengths.all()` of each pack, read in one query, as prefetch_related_objects leaves it."""
    ids = list(dict.fromkeys(pack.pk for pack in packs))
    if not ids or len(ids) > COMPILED_STRENGTH_PACKS:
        prefetch_related_objects(packs, STRENGTHS)
        return
    padded = ids + [ids[0]] * (COMPILED_STRENGTH_PACKS - len(ids))
    found: dict[int, list[Strength]] = {}
    for strength in _COMPILED_STRENGTHS.run(**{f"pack_{slot}": pk for slot, pk in enumerate(padded)}):
        found.setdefault(strength.pack_id, []).append(strength)
    for pack in packs:
        _prefetch_strengths(pack, found.get(pack.pk, []))


def _lines_with_strengths(rows: list[CartLine]) -> list[CartLine]:
    """The lines of _guest_lines' rows (a line's first row, its strength columns left on it as annotations),
    each pack's strengths (with their ingredients) built from its rows and prefetched as _read_strengths
    leaves them."""
    lines: list[CartLine] = []
    strengths_of: dict[int, list[Strength]] = {}
    for row in rows:
        if not lines or row.pk != lines[-1].pk:  # a line's rows are in a run
            lines.append(row)
            strengths = strengths_of[row.pk] = []
        if row.strength_id is None:  # a pack without strengths
            continue
        strength = Strength.from_db(row._state.db, _STRENGTH_ATTNAMES,
                                    [getattr(row, column) for column in _STRENGTH_COLUMNS])
        _INGREDIENT.set_cached_value(strength, Ingredient.from_db(
            row._state.db, _INGREDIENT_ATTNAMES,
            [strength.ingredient_id, *[getattr(row, column) for column in _INGREDIENT_COLUMNS]]))
        strengths.append(strength)
    for line in lines:
        _prefetch_strengths(line.pack, strengths_of[line.pk])
    return lines



def _prefetch_strengths(pack, strengths: list[Strength]) -> None:
    """Give `pack` its `strengths` as prefetch_related_objects would: `pack.strengths.all()` is then a queryset
    holding them, which asks nothing more, and filtering it queries that pack's strengths."""
    for strength in strengths:
        _PACK.set_cached_value(strength, pack)
    pack._prefetched_objects_cache = {**getattr(pack, "_prefetched_objects_cache", {}),
                                      "strengths": prefetched_strengths(pack, strengths)}


def prefetched_strengths(pack, strengths: list[Strength]) -> QuerySet[Strength]:
    """The queryset Django's prefetch stores for `pack.strengths`, with `strengths` as its results: the related
    manager's, its filter on the pack deferred until something asks for its SQL, as the manager itself
    defers it (RelatedManager._apply_rel_filters). Built here rather than by `pack.strengths.all()`, which
    clones a queryset per pack to add that filter (about 0.03 ms for a cart page's three packs)."""
    queryset = _STRENGTHS_QUERYSET(model=Strength, hints={"instance": pack})
    queryset._deferred_filter = False, (), {_PACK.name: pack}
    queryset._known_related_objects = {_PACK: {pack.pk: pack}}
    queryset._result_cache, queryset._prefetch_done = strengths, True
    return queryset


_STRENGTHS_QUERYSET = Strength._default_manager._queryset_class  # the related manager's, as it builds it


def read_cart_lines(*, cart: Cart) -> list[CartLine]:
    """What list_cart_lines reads (lines, packs, products, availability, strengths), the same two queries,
    with their SQL compiled once per process (pharmacy.compiled_query) instead of on every request."""
    lines = _COMPILED_LINES.run(cart_id=cart.pk, expiry_after=usable_expiry_after())
    _read_strengths([line.pack for line in lines])
    return lines


@dataclass(frozen=True)
class CheckoutBlocker:
    code: str
    message: str
    line_id: int | None = None
    sku: str | None = None


@dataclass
class CartSummary:
    cart: Cart
    lines: list[CartLine]
    total: Money
    blockers: list[CheckoutBlocker] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def prescription_required(self) -> bool:
        return any(line.prescription_required for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


def get_cart_summary(*, cart: Cart) -> CartSummary:
    """Lines, total, and the reasons (if any) that would make checkout refuse right now.

    Prescription checks are not listed as blockers: the prescription is supplied at checkout.
    """
    return _summarise(cart, read_cart_lines(cart=cart))


def _summarise(cart: Cart, lines: list[CartLine]) -> CartSummary:
    total = Money.zero(cart.currency)
    blockers: list[CheckoutBlocker] = []
    for line in lines:
        line.pack.__dict__["stock_available"] = line.pack_stock_available  # read in the same query
        total += line.line_total
        try:
            check_pack_purchasable(pack=line.pack, quantity=line.quantity)
        except DomainError as refusal:
            blockers.append(CheckoutBlocker(refusal.code, refusal.message, line.pk, line.pack.sku))
    if not lines:
        blockers.append(CheckoutBlocker("cart_empty", "Your cart is empty."))
    return CartSummary(cart=cart, lines=lines, total=total, blockers=blockers)


def _guest_cart(*, token: uuid.UUID) -> QuerySet[Cart]:
    return Cart.objects.filter(token=token, user__isnull=True).order_by("pk")[:1]


_GUEST_CART = CompiledQuery(Cart, _guest_cart, token=uuid.UUID(int=0))  # no uuid4 is all zeros


def _as_uuid(token) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(token))
    except (ValueError, TypeError):
        return None


def get_guest_cart(*, token) -> Cart | None:
    """The guest cart of this session's token (compiled once: read whenever a guest signs in)."""
    token = _as_uuid(token)
    return None if token is None else next(iter(_GUEST_CART.run(token=token)), None)


def get_guest_cart_summary(*, token) -> CartSummary | None:
    """get_cart_summary of the guest cart of this session's token, None without one. The lines are read
    with their cart, so a cart with lines (every guest cart page but an emptied one) costs one query
    fewer than reading the cart first."""
    token = _as_uuid(token)
    if token is None:
        return None
    lines = _lines_with_strengths(_COMPILED_GUEST_LINES.run(token=token, expiry_after=usable_expiry_after()))
    if not lines:
        cart = get_guest_cart(token=token)
        return None if cart is None else _summarise(cart, [])
    return _summarise(lines[0].cart, lines)
