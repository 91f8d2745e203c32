"""On sign-in, the guest's cart follows the shopper (a decoupled extra, so a receiver is fine)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import get_guest_cart
from .services import merge_guest_cart

GUEST_CART_SESSION_KEY = "cart_token"


@receiver(user_logged_in, dispatch_uid="cart.merge_guest_cart_on_login")
def merge_guest_cart_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(GUEST_CART_SESSION_KEY, None)
    guest_cart = get_guest_cart(token=token) if token else None
    if guest_cart is None:
        return
    result = merge_guest_cart(guest_cart=guest_cart, user=user)
    if hasattr(request, "_messages"):
        for note in result.notes:
            messages.warning(request, note)
