"""Every row lock of the cart app. Locking the cart row serialises all changes to one cart,
including two checkouts of it racing each other."""

from .models import Cart


def cart_for_update(*, cart_id: int) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart_id)
