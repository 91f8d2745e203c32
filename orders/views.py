"""Storefront order pages: checkout, confirmation, history, cancellation and the shopper's prescriptions.

Each view binds a form, calls a service and redirects, or renders; refusals (DomainError) are shown
next to the field they concern. Another shopper's order or prescription is a 404, never a 403.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cart.selectors import get_cart_summary
from cart.services import get_or_create_user_cart
from delivery.forms import selected_delivery_quote
from delivery.selectors import list_active_delivery_methods
from patients.models import FileAccessChannel
from patients.selectors import health_record_choices
from payments.receipts import payment_status_text
from pharmacy.exceptions import DomainError
from pharmacy.request_limits import limit_upload_body
from pharmacy.throttling import throttle_posts

from .downloads import serve_prescription_file
from .exceptions import IdempotencyKeyReused
from .forms import CancelOrderForm, CheckoutForm, PrescriptionUploadForm
from .models import Order, OrderStatus, Prescription
from .refusals import shopper_event_reason
from .selectors import (
    get_order_for_user,
    list_orders_for_user,
    list_prescriptions_for_user,
    list_usable_prescriptions,
    questions_for_lines,
)
from .services import cancel_order, place_order, submit_prescription
from .services.originals import is_waiting_for_original

ORDERS_PER_PAGE = 10
PRESCRIPTIONS_PER_PAGE = 10
AWAITING_REVIEW = OrderStatus.AWAITING_REVIEW
PHARMACIST_DECISIONS = {OrderStatus.APPROVED, OrderStatus.REJECTED}


# --- Checkout ----------------------------------------------------------------------------------------


def _order_placed_with_key(*, user, idempotency_key) -> Order | None:
    """The order this rendering of the checkout form already placed (a double click, a resubmit)."""
    try:
        key = str(uuid.UUID(str(idempotency_key)))
    except ValueError:
        return None
    return list_orders_for_user(user=user).prefetch_related(None).filter(idempotency_key=key).first()


def _checkout_form(request, *, summary, data=None, files=None) -> CheckoutForm:
    usable = list_usable_prescriptions(user=request.user).prefetch_related(None)
    initial = {"idempotency_key": CheckoutForm.new_idempotency_key()}
    if data is None and (chosen := request.GET.get("prescription", "")).isdigit():
        initial["prescription"] = int(chosen)  # "order again from this prescription" (orders.repeat_views)
    if data is None:
        initial |= {"full_name": request.user.full_name, "email": request.user.email}
        last_order = list_orders_for_user(user=request.user).prefetch_related(None).first()
        if last_order is not None:
            initial |= {
                "full_name": last_order.full_name, "phone": last_order.phone,
                "address_line1": last_order.address_line1, "address_line2": last_order.address_line2,
                "city": last_order.city, "postcode": last_order.postcode,
            }
    questions = questions_for_lines(lines=summary.lines)
    consultation_lines = [(line, questions[line.pack_id]) for line in summary.lines if line.pack_id in questions]
    return CheckoutForm(data, files, initial=initial, usable_prescriptions=usable,
                        prescription_required=summary.prescription_required, consultation_lines=consultation_lines,
                        delivery_methods=list_active_delivery_methods(), subtotal=summary.total,
                        health_records=health_record_choices(user=request.user))


def _render_checkout(request, *, summary, form, kept_prescription=None):
    return render(request, "orders/checkout.html", {
        "summary": summary, "form": form, "kept_prescription": kept_prescription,
        "prescription_lines": [line for line in summary.lines if line.prescription_required],
        "consultations": form.consultation_fields(),
        "delivery": selected_delivery_quote(form=form, subtotal=summary.total),
    })


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@throttle_posts("checkout")
@limit_upload_body
def checkout(request):
    cart = get_or_create_user_cart(user=request.user)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        if (already_placed := _order_placed_with_key(user=request.user, idempotency_key=key)) is not None:
            return _already_placed(request, already_placed)

    summary = get_cart_summary(cart=cart)
    if summary.is_empty:
        messages.info(request, "Your cart is empty, so there is nothing to check out yet.")
        return redirect("cart:detail")
    if request.method == "GET":
        if summary.blockers:
            messages.error(request, "Some items in your cart cannot be ordered as they are; change them.")
            return redirect("cart:detail")
        return _render_checkout(request, summary=summary, form=_checkout_form(request, summary=summary))

    form = _checkout_form(request, summary=summary, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _render_checkout(request, summary=summary, form=form)

    prescription = form.cleaned_data.get("prescription")
    new_file = form.cleaned_data.get("prescription_file")
    uploaded = None
    try:
        # Two services, one shopper action: the upload is kept even if the order is then refused, and
        # is offered (already selected) when the form comes back, so it never has to be sent twice.
        if new_file is not None:
            prescription = uploaded = submit_prescription(owner=request.user, uploaded_file=new_file)
        order = place_order(
            user=request.user, cart=cart, details=form.checkout_details(),
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            prescription=prescription if summary.prescription_required else None,
            patient=form.patient(), consultation_answers=form.consultation_answers(),
            delivery_method=form.delivery_method_code(),
        )
    except IdempotencyKeyReused as refusal:
        key = form.cleaned_data["idempotency_key"]
        if (already_placed := _order_placed_with_key(user=request.user, idempotency_key=key)) is not None:
            return _already_placed(request, already_placed)
        form.add_refusal(refusal)
        return _render_checkout(request, summary=summary, form=form)
    except DomainError as refusal:
        if uploaded is not None:
            form = _checkout_form(request, summary=summary, data=_with_prescription(request.POST, uploaded))
            form.is_valid()
        form.add_refusal(refusal)
        return _render_checkout(request, summary=summary, form=form, kept_prescription=uploaded)
    if order.status == OrderStatus.AWAITING_PAYMENT:  # the payment step (payments app)
        return redirect("payments:pay", number=order.number)
    return redirect("orders:order-confirmation", number=order.number)


def _already_placed(request, order: Order):
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return redirect("payments:pay", number=order.number)
    messages.info(request, f"Your order {order.number} was already placed; it was not placed twice.")
    return redirect("orders:order-confirmation", number=order.number)


def _with_prescription(data, prescription: Prescription):
    data = data.copy()
    data["prescription"] = str(prescription.pk)
    return data


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


# --- Prescriptions -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@throttle_posts("upload")
@limit_upload_body
def prescription_list(request):
    if request.method == "POST":
        form = PrescriptionUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                submit_prescription(owner=request.user, uploaded_file=form.cleaned_data["file"])
            except DomainError as refusal:
                form.add_refusal(refusal)
            else:
                messages.success(request, "Your prescription is uploaded; you can choose it at checkout.")
                return redirect("orders:prescription-list")
    else:
        form = PrescriptionUploadForm()
    prescriptions = list_prescriptions_for_user(user=request.user).prefetch_related("items__pack__strengths")
    page = Paginator(prescriptions, PRESCRIPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/prescription_list.html", {
        "form": form, "page_obj": page, "prescriptions": page.object_list,
    })


@login_required
def prescription_file(request, pk: int):
    """The uploaded file, for its owner alone; 404 for anyone else, as for a missing one. Pharmacists see
    other people's files in the admin or through the API, with their second factor, never here."""
    try:
        return serve_prescription_file(user=request.user, prescription_id=pk, channel=FileAccessChannel.STOREFRONT)
    except Prescription.DoesNotExist:
        raise Http404("No such prescription.") from None
