"""The checkout page, and "order again from this prescription".

The checkout view binds the form, calls place_order and redirects (to the payment step, or the order's
confirmation), or renders; refusals (DomainError) are shown next to the field they concern.

"Order again" is a button (a POST form, no JavaScript) that puts the prescribed items in the cart and opens
the checkout with the prescription chosen; the shopper confirms the delivery details there. Refusals (too
early, with the date; no issue left) come back as a message.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cart.selectors import get_cart_summary
from cart.services import get_or_create_user_cart
from delivery.forms import selected_delivery_quote
from delivery.selectors import list_active_delivery_methods
from orders.exceptions import IdempotencyKeyReused
from orders.models import Order, OrderStatus
from orders.selectors import list_orders_for_user
from patients.selectors import health_record_choices
from pharmacy.exceptions import DomainError
from pharmacy.request_limits import limit_upload_body
from pharmacy.throttling import throttle_posts
from prescriptions.models import Prescription
from prescriptions.selectors import get_prescription_for_user, list_usable_prescriptions
from prescriptions.services import submit_prescription

from .forms import CheckoutForm
from .health_data import consent_prompt
from .selectors import questions_for_lines
from .services import add_prescription_to_cart, lines_needing_date_of_birth, place_order

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
        initial["prescription"] = int(chosen)  # "order again from this prescription" (prescription_reorder, below)
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
                        health_records=health_record_choices(user=request.user),
                        consent_prompt=consent_prompt(user=request.user),
                        date_of_birth_needed_for=[line.pack.display_name
                                                  for line in lines_needing_date_of_birth(lines=summary.lines)])


def _render_checkout(request, *, summary, form, kept_prescription=None):
    return render(request, "checkout/checkout.html", {
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
            delivery_method=form.delivery_method_code(), health_data_consent=form.consent_given(),
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


# --- Order again ---------------------------------------------------------------------------------------


@login_required
@require_POST
def prescription_reorder(request, pk: int):
    try:
        prescription = get_prescription_for_user(user=request.user, prescription_id=pk)
    except Prescription.DoesNotExist:
        raise Http404("No such prescription.") from None
    try:
        add_prescription_to_cart(user=request.user, prescription=prescription,
                                 cart=get_or_create_user_cart(user=request.user))
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_back(request))
    messages.success(request, "The prescribed medicines are in your cart. Check the details and place the order: "
                     "our pharmacist reviews it before anything is sent.")
    return redirect(f"{reverse('checkout:checkout')}?prescription={prescription.pk}")


def _back(request) -> str:
    """The page the button was on (the prescriptions list or an order), if it is one of ours."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("prescriptions:prescription-list")
