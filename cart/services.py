"""Cart writes. Every change re-checks the catalog's purchase policy, so a cart never holds a line
that could not be bought at that moment (stock is checked again, under lock, at checkout)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from catalog.exceptions import OutOfStock, QuantityLimitExceeded
from catalog.models import Pack
from catalog.services import check_pack_purchasable, check_quantity
from pharmacy.compiled_query import CompiledDelete, CompiledUpdate
from pharmacy.exceptions import DomainError

from .exceptions import CartCurrencyMismatch, CartLineNotFound
from .locks import cart_for_update
from .models import Cart, CartLine


def get_or_create_user_cart(*, user) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


def get_or_create_guest_cart(*, token: str | uuid.UUID | None) -> Cart:
    """The guest cart for a session token; a new cart when the token is missing, malformed or stale."""
    if token:
        try:
            return Cart.objects.get(token=uuid.UUID(str(token)), user__isnull=True)
        except (ValueError, Cart.DoesNotExist):
            pass
    return Cart.objects.create()


def _get_pack(pack: Pack | int) -> Pack:
    pack_id = pack.pk if isinstance(pack, Pack) else pack
    return Pack.objects.with_details().with_availability().get(pk=pack_id)


@transaction.atomic
def add_to_cart(*, cart: Cart, pack: Pack | int, quantity: int) -> CartLine:
    """Add `quantity` packs; if the pack is already in the cart the quantities are summed."""
    check_quantity(quantity)
    cart = cart_for_update(cart_id=cart.pk)
    pack = _get_pack(pack)
    if pack.currency != cart.currency:
        raise CartCurrencyMismatch(field="sku", sku=pack.sku)
    line = CartLine.objects.filter(cart=cart, pack=pack).first()
    new_quantity = quantity + (line.quantity if line else 0)
    check_pack_purchasable(pack=pack, quantity=new_quantity)
    line, _ = CartLine.objects.update_or_create(cart=cart, pack=pack, defaults={"quantity": new_quantity})
    _touch(cart)
    line.pack = pack
    return line


@transaction.atomic
def set_cart_line_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine:
    check_quantity(quantity)
    cart = cart_for_update(cart_id=cart.pk)
    line = _get_line(cart=cart, line_id=line_id)
    check_pack_purchasable(pack=line.pack, quantity=quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    _touch(cart)
    return line


@transaction.atomic
def remove_cart_line(*, cart: Cart, line_id: int) -> None:
    cart = cart_for_update(cart_id=cart.pk)
    _get_line(cart=cart, line_id=line_id).delete()
    _touch(cart)


def _get_line(*, cart: Cart, line_id) -> CartLine:
    try:
        return CartLine.objects.select_related("pack__product").prefetch_related("pack__strengths__ingredient").get(
            cart=cart, pk=int(line_id)
        )
    except (ValueError, TypeError, CartLine.DoesNotExist):
        raise CartLineNotFound(field="line") from None


def _touch(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


@dataclass
class MergeResult:
    cart: Cart
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def merge_guest_cart(*, guest_cart: Cart, user) -> MergeResult:
    """On sign-in the guest's lines join the shopper's cart: quantities summed, limits re-checked.

    A line that can no longer be bought in full is reduced to what can be (with a note saying so),
    or left out if none can; the guest cart is then deleted.
    """
    user_cart = get_or_create_user_cart(user=user)
    if guest_cart.pk == user_cart.pk or guest_cart.user_id is not None:
        return MergeResult(cart=user_cart)
    user_cart = cart_for_update(cart_id=user_cart.pk)
    notes: list[str] = []
    existing = {line.pack_id: line for line in CartLine.objects.filter(cart=user_cart)}
    guest_lines = CartLine.objects.filter(cart=guest_cart).select_related("pack__product").prefetch_related(
        "pack__strengths__ingredient"
    )
    for guest_line in guest_lines:
        pack = guest_line.pack
        wanted = guest_line.quantity + (existing[pack.pk].quantity if pack.pk in existing else 0)
        allowed = _largest_buyable_quantity(pack=pack, wanted=wanted, notes=notes)
        if allowed:
            CartLine.objects.update_or_create(cart=user_cart, pack=pack, defaults={"quantity": allowed})
    guest_cart.delete()
    _touch(user_cart)
    return MergeResult(cart=user_cart, notes=notes)


def _largest_buyable_quantity(*, pack: Pack, wanted: int, notes: list[str]) -> int:
    try:
        check_pack_purchasable(pack=pack, quantity=wanted)
        return wanted
    except (QuantityLimitExceeded, OutOfStock) as refusal:
        limit = min(pack.max_per_order or wanted, pack.available_quantity, wanted)
        if limit >= 1:
            notes.append(f"{refusal.message} Your cart now holds {limit}.")
            return limit
        notes.append(f"{refusal.message} It was removed from your cart.")
        return 0
    except DomainError as refusal:
        notes.append(f"{refusal.message} It was removed from your cart.")
        return 0


@transaction.atomic
def empty_cart(*, cart: Cart) -> None:
    CartLine.objects.filter(cart=cart).delete()
    _touch(cart)


def empty_user_cart(*, user_id: int) -> None:
    """Empty the account's cart, inside the caller's transaction: two statements, without reading the
    cart first (the payment step empties it once the card is authorised)."""
    _EMPTY_USER_CART.run(user_id=user_id)
    _TOUCH_USER_CART.run(user_id=user_id, now=timezone.now())


# Every paid checkout empties the cart and touches it: compiled once per process (pharmacy.compiled_query).
_EMPTY_USER_CART = CompiledDelete(CartLine, lambda *, user_id: CartLine.objects.filter(cart__user_id=user_id),
                                  user_id=-4_242_473)
_TOUCH_USER_CART = CompiledUpdate(
    Cart, lambda *, user_id, now: (Cart.objects.filter(user_id=user_id), {"updated_at": now}),
    user_id=-4_242_472, now=datetime(1901, 5, 6, 7, 8, 9, 12, tzinfo=UTC),
)


def delete_stale_guest_carts(*, older_than_days: int) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return deleted
