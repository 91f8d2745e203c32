"""Every row lock of the cart app. Locking the cart row serialises all changes to one cart,
including two checkouts of it racing each other."""

from pharmacy.compiled_query import CompiledQuery

from .exceptions import CartGone
from .models import Cart

# Every checkout locks its cart first: the SQL is compiled once per process (pharmacy.compiled_query).
_COMPILED_CART_FOR_UPDATE = CompiledQuery(
    Cart, lambda *, cart_id: Cart.objects.filter(pk=cart_id).select_for_update(), cart_id=-4_242_471,
)


def cart_for_update(*, cart_id: int) -> Cart:
    """The cart's row, locked. Raises CartGone when it was deleted since the request read it (a sign-in that
    merged it, an erasure of its account), a refusal the shopper can act on rather than a server error."""
    carts = _COMPILED_CART_FOR_UPDATE.run(cart_id=cart_id)
    if not carts:
        raise CartGone(field="cart")
    return carts[0]


def carts_of_user_for_update(*, user_id: int) -> list[Cart]:
    """Every cart of an account, locked in primary-key order: waits for a checkout of any of them to end."""
    return list(Cart.objects.select_for_update().filter(user_id=user_id).order_by("pk"))
