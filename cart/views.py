"""Storefront cart pages: bind the form, call one service, redirect or render."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.models import Pack
from delivery.services import estimate_delivery
from pharmacy.exceptions import DomainError
from pharmacy.frame import render_framed

from .advice import cart_advice_items
from .exceptions import CartLineNotFound
from .forms import AddToCartForm, CartLineQuantityForm
from .page import cart_actions, cart_content, clinical_advice
from .receivers import GUEST_CART_SESSION_KEY
from .selectors import CartSummary, get_cart_summary, get_guest_cart, get_guest_cart_summary
from .services import (
    add_to_cart,
    get_or_create_guest_cart,
    get_or_create_user_cart,
    remove_cart_line,
    set_cart_line_quantity,
)

_TITLE = "Your cart"


def _existing_cart(request):
    """The shopper's cart if they have one; looking at an empty cart creates no rows."""
    if request.user.is_authenticated:
        return get_or_create_user_cart(user=request.user)
    token = request.session.get(GUEST_CART_SESSION_KEY)
    return get_guest_cart(token=token) if token else None


def _existing_cart_summary(request) -> CartSummary | None:
    """The summary of _existing_cart(request); a guest's is read with its lines (one query fewer)."""
    if request.user.is_authenticated:
        return get_cart_summary(cart=get_or_create_user_cart(user=request.user))
    token = request.session.get(GUEST_CART_SESSION_KEY)
    return get_guest_cart_summary(token=token) if token else None


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


def _render_cart(request, *, invalid_line_id: int | None = None, typed_quantity: str = "", error: str = ""):
    """The cart page; after a refused quantity change the error and what was typed stay on that line.

    Its content is written by cart.page, the page around it by render_framed."""
    summary = _existing_cart_summary(request)
    has_lines = summary is not None and not summary.is_empty
    for line in summary.lines if summary else ():
        line.quantity_error = error if line.pk == invalid_line_id else ""
        line.typed_quantity = typed_quantity if line.pk == invalid_line_id else str(line.quantity)
    quotes = estimate_delivery(subtotal=summary.total) if has_lines else []
    content = cart_content(
        summary, delivery=quotes[0] if quotes else None,  # the default method; the others are chosen at checkout
        other_deliveries=quotes[1:], blocked_line_ids={blocker.line_id for blocker in summary.blockers} if summary
        else set(), has_quantity_error=bool(error),
        csrf_token=get_token(request) if has_lines else None,  # only the lines' forms need one (and set its cookie)
    )
    if has_lines:
        signed_in = request.user.is_authenticated
        advice = cart_advice_items(user=request.user if signed_in else None, cart_lines=summary.lines)
        content += clinical_advice(advice) + cart_actions(summary, signed_in=signed_in)
    return render_framed(request, title=f"Error: {_TITLE}" if error else _TITLE, content_html=content)


def cart_detail(request):
    return _render_cart(request)


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


@require_POST
def cart_line_update(request, line_id: int):
    form = CartLineQuantityForm(request.POST)
    typed = request.POST.get("quantity", "")[:20]
    if not form.is_valid():
        return _render_cart(request, invalid_line_id=line_id, typed_quantity=typed,
                            error=form.errors["quantity"][0])
    cart = _existing_cart(request)
    try:
        if cart is None:
            raise CartLineNotFound(field="line")
        line = set_cart_line_quantity(cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"])
    except CartLineNotFound as refusal:
        messages.error(request, f"{refusal.message} It may have been removed in another window.")
        return redirect("cart:detail")
    except DomainError as refusal:
        return _render_cart(request, invalid_line_id=line_id, typed_quantity=typed, error=refusal.message)
    messages.success(request, f"{line.pack.display_name}: quantity changed to {line.quantity}.")
    return redirect("cart:detail")


@require_POST
def cart_line_remove(request, line_id: int):
    cart = _existing_cart(request)
    try:
        if cart is None:
            raise CartLineNotFound(field="line")
        remove_cart_line(cart=cart, line_id=line_id)
    except DomainError as refusal:
        messages.error(request, f"{refusal.message} It may have been removed already.")
        return redirect("cart:detail")
    messages.success(request, "The item was removed from your cart.")
    return redirect("cart:detail")
