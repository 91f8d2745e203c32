"""'Order again from this prescription': the prescribed items go into the shopper's cart, and the cart
is checked out with the prescription, without a new upload, while issues remain. The rules (issues
left, interval, dates) are prescriptions.services.repeats'; checkout re-checks them under the prescription's
row lock, and the pharmacist reviews the order like any other."""

from django.db import transaction

from cart.models import Cart, CartLine
from cart.services import add_to_cart, get_or_create_user_cart
from orders.models import Order
from patients.details import PatientDetails
from prescriptions.exceptions import PrescriptionNotUsable
from prescriptions.models import Prescription
from prescriptions.services.repeats import check_repeat_available

from ..health_data import ConsentGiven
from .consultations import ConsultationAnswers
from .placement import CheckoutDetails, place_order

__all__ = ["add_prescription_to_cart", "reorder_prescription"]


def _packs_for(item) -> int:
    """Whole packs of the prescribed pack within the item's quantity (a pack is never split)."""
    return item.quantity // item.pack.pack_size


@transaction.atomic
def add_prescription_to_cart(*, user, prescription: Prescription, cart: Cart) -> list[CartLine]:
    """Put the prescription's items in the cart, after checking an issue is available now. Packs already
    in the cart count towards an item, so asking twice does not double the quantity."""
    if prescription.owner_id != user.pk:
        raise PrescriptionNotUsable("We could not find that prescription in your account.", field="prescription")
    check_repeat_available(prescription=prescription)
    items = list(prescription.items.select_related("pack__product"))
    in_cart = {line.pack_id: line.quantity for line in cart.lines.all()}
    lines = []
    for item in items:
        wanted = _packs_for(item)
        if wanted < 1:
            raise PrescriptionNotUsable(
                f"{item.pack.display_name} cannot be supplied in whole packs for {item.quantity} "
                f"{item.pack.pack_unit}; ask our pharmacist.", field="prescription",
            )
        missing = wanted - in_cart.get(item.pack_id, 0)
        if missing > 0:
            lines.append(add_to_cart(cart=cart, pack=item.pack, quantity=missing))
    return lines


@transaction.atomic
def reorder_prescription(
    *, user, prescription: Prescription, details: CheckoutDetails, idempotency_key: str,
    patient: PatientDetails | None = None, consultation_answers: ConsultationAnswers | None = None,
    health_data_consent: ConsentGiven | None = None,
) -> Order:
    """Fill the cart from the prescription and check it out (anything already in the cart goes too).
    One transaction: a refused reorder leaves the cart as it was. A retry with the same key returns the
    order the first request placed, without filling the cart again. Without `patient`, the order is for
    the patient recorded on the prescription (checkout refuses any other). A prescription-only order
    reveals health data: it needs the shopper's consent, as any checkout does (`health_data_consent`)."""
    if patient is None and prescription.patient_record_id is not None and prescription.owner_id == user.pk:
        patient = PatientDetails(record_id=prescription.patient_record_id)
    cart = get_or_create_user_cart(user=user)
    if not Order.objects.filter(user=user, idempotency_key=idempotency_key).exists():
        add_prescription_to_cart(user=user, prescription=prescription, cart=cart)
    return place_order(user=user, cart=cart, details=details, idempotency_key=idempotency_key,
                       prescription=prescription, patient=patient, consultation_answers=consultation_answers,
                       health_data_consent=health_data_consent)
