"""Every row lock of the cart app. Locking the cart row serialises all changes to one cart,
including two checkouts of it racing each other."""

from .exceptions import CartGone
from .models import Cart


def cart_for_update(*, cart_id: int) -> Cart:
    """The cart's row, locked. Raises CartGone when it was deleted since the request read it (a sign-in that
    merged it, an erasure of its account), a refusal the shopper can act on rather than a server error."""
    try:
        return Cart.objects.select_for_update().get(pk=cart_id)
    except Cart.DoesNotExist:
        raise CartGone(field="cart") from None


def carts_of_user_for_update(*, user_id: int) -> list[Cart]:
    """Every cart of an account, locked in primary-key order: waits for a checkout of any of them to end."""
    return list(Cart.objects.select_for_update().filter(user_id=user_id).order_by("pk"))
