"""Storefront cart pages: bind the form, call one service, redirect or render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.models import Pack
from pharmacy.exceptions import DomainError

from .forms import AddToCartForm
from .receivers import GUEST_CART_SESSION_KEY
from .selectors import get_cart_summary, get_guest_cart
from .services import add_to_cart, get_or_create_guest_cart, get_or_create_user_cart


def _existing_cart(request):
    """The shopper's cart if they have one; looking at an empty cart creates no rows."""
    if request.user.is_authenticated:
        return get_or_create_user_cart(user=request.user)
    token = request.session.get(GUEST_CART_SESSION_KEY)
    return get_guest_cart(token=token) if token else None


def _cart_for_writing(request):
    if request.user.is_authenticated:
        return get_or_create_user_cart(user=request.user)
    cart = get_or_create_guest_cart(token=request.session.get(GUEST_CART_SESSION_KEY))
    request.session[GUEST_CART_SESSION_KEY] = str(cart.token)
    return cart


def _back(request, fallback: str = "cart:detail"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def cart_detail(request):
    cart = _existing_cart(request)
    summary = get_cart_summary(cart=cart) if cart is not None else None
    return render(request, "cart/detail.html", {"summary": summary})


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a quantity of at least 1.")
        return _back(request)
    try:
        quantity = form.cleaned_data["quantity"]
        line = add_to_cart(cart=_cart_for_writing(request), pack=form.cleaned_data["pack"], quantity=quantity)
    except Pack.DoesNotExist:
        messages.error(request, "That item is not available to buy.")
        return _back(request)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return _back(request)
    messages.success(request, f"Added {quantity} × {line.pack.display_name} to your cart.")
    return redirect("cart:detail")
