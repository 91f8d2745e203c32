"""The storefront's payment step, the test gateway's confirm page, and Stripe's webhook endpoint."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.models import Order, OrderStatus
from orders.selectors import get_order_for_user
from pharmacy.exceptions import DomainError

from .forms import PaymentForm, TestConfirmForm
from .gateways import get_gateway
from .gateways.base import GatewayError
from .gateways.test import TEST_CARDS
from .models import Payment, PaymentStatus
from .services import authorise_order, latest_payment, refresh_payment
from .webhooks import InvalidWebhook, process_stripe_event, verify_stripe_event

logger = logging.getLogger(__name__)

# The storefront's policy plus exactly what Stripe.js and its card element need, on this page only.
STRIPE_PAYMENT_PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; script-src 'self' https://js.stripe.com; "
    "frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com"
)


def _own_order(request, number: str) -> Order:
    try:
        return get_order_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order in your account.") from None


def _after_payment(request, order: Order, payment: Payment):
    if payment.status == PaymentStatus.REQUIRES_ACTION and payment.client_action.get("type") == "redirect_to_url":
        return redirect(payment.client_action["url"])
    if payment.status in (PaymentStatus.AUTHORISED, PaymentStatus.CAPTURED):
        return redirect("orders:order-confirmation", number=order.number)
    return redirect("payments:pay", number=order.number)


@login_required
def pay(request, number: str):
    order = _own_order(request, number)
    payment = latest_payment(order)
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return redirect(order)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = authorise_order(order=order, payment_method=form.cleaned_data["card"],
                                      attempt_key=str(form.cleaned_data["attempt_key"]), actor=request.user,
                                      return_url=request.build_absolute_uri())
        except DomainError as refusal:
            form.add_error("card", refusal.message)
        except GatewayError:
            form.add_error("card", "We could not reach the payment service. Nothing was charged; try again.")
        else:  # a declined card is explained on the payment page itself
            return _after_payment(request, order, payment)
    response = render(request, "payments/pay.html", {
        "order": order, "form": form, "payment": payment, "gateway": settings.PAYMENT_GATEWAY,
        "test_cards": TEST_CARDS, "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    })
    if settings.PAYMENT_GATEWAY == "stripe":
        response.headers["Content-Security-Policy"] = STRIPE_PAYMENT_PAGE_POLICY
    return response


@login_required
def payment_return(request, number: str):
    """Where the shopper comes back to after confirming with their bank (Stripe.js)."""
    order = _own_order(request, number)
    payment = latest_payment(order)
    if payment is not None:
        payment = refresh_payment(payment=payment, actor=request.user)
        return _after_payment(request, order, payment)
    return redirect("payments:pay", number=order.number)


@login_required
def test_confirm(request, reference: str):
    """The test gateway's stand-in for a bank's 3-D Secure page."""
    if settings.PAYMENT_GATEWAY != "test":
        raise Http404()
    payment = Payment.objects.filter(reference=reference, order__user=request.user).select_related("order").first()
    if payment is None:
        raise Http404()
    form = TestConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        get_gateway("test").authenticate(reference=reference, success=form.cleaned_data["decision"] == "approve")
        payment = refresh_payment(payment=payment, actor=request.user)
        if payment.status == PaymentStatus.FAILED:
            messages.error(request, "The payment was not confirmed. Nothing was charged; try another card.")
        return _after_payment(request, payment.order, payment)
    return render(request, "payments/test_confirm.html", {"payment": payment, "form": form})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = verify_stripe_event(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook:
        return HttpResponse("Invalid signature.", status=400, content_type="text/plain")
    try:
        processed = process_stripe_event(event)
    except GatewayError:
        return HttpResponse("Try again later.", status=503, content_type="text/plain")
    except DatabaseError:  # nothing of the event was kept: Stripe's retry processes it again
        logger.exception("Stripe event %s: the database failed; answered 503 for a retry", event.id)
        return HttpResponse("Try again later.", status=503, content_type="text/plain")
    return HttpResponse("Processed." if processed else "Already processed.", content_type="text/plain")
