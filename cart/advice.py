"""Clinical advice on a cart, which the cart API shows beside its lines. The clinical app judges it (its rule
table) and registers its adviser here at ready(): cart sits below clinical and never imports it."""

from collections.abc import Callable, Sequence

from django.core.exceptions import ImproperlyConfigured

# (user=..., cart_lines=...) -> the advice as CartAdviceOutputSerializer's items, what checkout refuses first.
CartAdviser = Callable[..., list[dict]]
_adviser: CartAdviser | None = None


def register_cart_adviser(adviser: CartAdviser) -> None:
    global _adviser
    _adviser = adviser


def cart_advice_items(*, user, cart_lines: Sequence) -> list[dict]:
    """The registered adviser's items for `cart_lines` (cart.selectors' lines); none for an empty cart."""
    if not cart_lines:
        return []
    if _adviser is None:
        raise ImproperlyConfigured("No cart adviser is registered (clinical registers it at ready()).")
    return _adviser(user=user, cart_lines=cart_lines)
