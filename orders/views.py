"""Storefront order pages: confirmation, history and cancellation.

Each view binds a form, calls a service and redirects, or renders; refusals (DomainError) are shown
next to the field they concern. Another shopper's order is a 404, never a 403.
"""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from payments.receipts import payment_status_text
from pharmacy.exceptions import DomainError

from .forms import CancelOrderForm
from .models import Order, OrderStatus
from .refusals import shopper_event_reason
from .selectors import get_order_for_user, list_orders_for_user
from .services import cancel_order
from .services.originals import is_waiting_for_original

ORDERS_PER_PAGE = 10
AWAITING_REVIEW = OrderStatus.AWAITING_REVIEW
PHARMACIST_DECISIONS = {OrderStatus.APPROVED, OrderStatus.REJECTED}


# --- Orders ------------------------------------------------------------------------------------------


def _get_own_order(request, number: str) -> Order:
    try:
        return get_order_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order in your account.") from None


def _status_history(order: Order) -> list[dict]:
    """Who changed the status, as a role: shoppers never see staff names."""
    history = []
    for event in order.events.all():
        if event.actor_id is None:
            role = "Pharmacy system"
        elif event.actor_id == order.user_id:
            role = "You"
        elif event.to_status in PHARMACIST_DECISIONS and event.from_status == AWAITING_REVIEW:
            role = "Pharmacist"
        else:
            role = "Pharmacy team"
        history.append({"event": event, "role": role, "status": OrderStatus(event.to_status).label,
                        "reason": shopper_event_reason(event, order_user_id=order.user_id)})
    return history


@login_required
def order_confirmation(request, number: str):
    order = _get_own_order(request, number)
    return render(request, "orders/confirmation.html", {"order": order})


@login_required
def order_list(request):
    orders = list_orders_for_user(user=request.user)
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page_obj": page, "orders": page.object_list})


@login_required
def order_detail(request, number: str):
    order = _get_own_order(request, number)
    return render(request, "orders/order_detail.html", {
        "order": order, "history": _status_history(order),
        "waiting_for_original": is_waiting_for_original(order), "payment_status": payment_status_text(order),
        "pharmacy_name": settings.PHARMACY_NAME, "pharmacy_address": settings.PHARMACY_ADDRESS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request, number: str):
    """GET asks "are you sure?" (no JavaScript confirm needed); POST cancels."""
    order = _get_own_order(request, number)
    form = CancelOrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_order(order=order, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"Order {order.number} is cancelled. Nothing will be sent.")
        return redirect(order)
    if not order.is_cancellable_by_shopper:
        status = order.get_status_display().lower()
        messages.error(request, f"Order {order.number} is {status} and can no longer be cancelled.")
        return redirect(order)
    return render(request, "orders/order_cancel.html", {"order": order, "form": form})
