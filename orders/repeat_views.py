"""'Order again from this prescription' on the storefront: a button (a POST form, no JavaScript) puts the
prescribed items in the cart and opens the checkout with the prescription chosen; the shopper confirms
the delivery details there. Refusals (too early, with the date; no issue left) come back as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cart.services import get_or_create_user_cart
from pharmacy.exceptions import DomainError

from .models import Prescription
from .selectors import get_prescription_for_user
from .services.reorders import add_prescription_to_cart


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
    return redirect(f"{reverse('orders:checkout')}?prescription={prescription.pk}")


def _back(request) -> str:
    """The page the button was on (the prescriptions list or an order), if it is one of ours."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("orders:prescription-list")
