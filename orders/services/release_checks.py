"""What approval and dispatch re-check, every time, whatever the interface: called first thing by
approve_order and dispatch_order.

- Approval needs a pharmacist with a registered profile (GPhC number), who did not place the order, and
  a responsible pharmacist signed in when the order holds a P or POM line.
- Dispatch of an order with prescription-only lines needs a prescription that has not expired, that
  still covers the order (judged by the lines' own snapshots), and whose legal original is in hand
  (a checked paper original or a verified electronic prescription); P and POM lines need an RP signed in.
"""

from django.utils import timezone

from catalog.models import LegalCategory
from dispensing.exceptions import NoResponsiblePharmacist, OriginalPrescriptionAwaited, OwnOrderApproval
from dispensing.models import PharmacistProfile
from dispensing.register import record_supply
from dispensing.services import current_responsible_pharmacist, ensure_registered_pharmacist

from ..exceptions import PrescriptionExpired
from ..models import Order, OrderStatus
from .coverage import check_not_expired, check_prescription_covers
from .originals import original_in_hand

__all__ = ["check_may_approve", "check_may_dispatch", "record_approver_registration", "record_supply"]

PHARMACIST_CATEGORIES = (LegalCategory.PHARMACY, LegalCategory.PRESCRIPTION)


def _needs_pharmacist(order: Order) -> bool:
    return order.lines.filter(legal_category__in=PHARMACIST_CATEGORIES).exists()


def check_responsible_pharmacist(*, order: Order) -> None:
    if _needs_pharmacist(order) and current_responsible_pharmacist() is None:
        raise NoResponsiblePharmacist(
            f"Order {order.number} holds pharmacy or prescription-only medicines: a pharmacist must sign in as "
            "the responsible pharmacist for today first."
        )


def check_may_approve(*, order: Order, pharmacist) -> PharmacistProfile:
    """Raises PharmacistNotRegistered, OwnOrderApproval or NoResponsiblePharmacist; returns the profile."""
    profile = ensure_registered_pharmacist(pharmacist)
    if order.user_id == pharmacist.pk:
        raise OwnOrderApproval(
            f"You placed order {order.number} yourself; another pharmacist must approve it."
        )
    check_responsible_pharmacist(order=order)
    return profile


def record_approver_registration(*, order: Order, profile: PharmacistProfile) -> None:
    """Called by approve_order after the approval: the registration number the decision was made under."""
    order.approved_by_registration = profile.registration_number
    Order.objects.filter(pk=order.pk).update(approved_by_registration=profile.registration_number)


def check_may_dispatch(*, order: Order, actor) -> None:
    """Called by dispatch_order with the order locked. Orders not approved are left to the state machine."""
    if order.status != OrderStatus.APPROVED:
        return
    check_responsible_pharmacist(order=order)
    if not order.requires_prescription and not order.lines.filter(
        legal_category=LegalCategory.PRESCRIPTION
    ).exists():
        return
    prescription = order.prescription
    if prescription is None:
        raise OriginalPrescriptionAwaited(f"Order {order.number} has no prescription.", field="prescription")
    if not prescription.repeatable and prescription.valid_until is not None \
            and prescription.valid_until < timezone.localdate():
        raise PrescriptionExpired(
            f"Order {order.number} cannot be dispatched: its prescription expired on "
            f"{prescription.valid_until:%d %B %Y}. Ask the shopper for a new prescription.", field="prescription",
        )
    check_not_expired(prescription, order=order)  # by issue, for a repeatable prescription
    check_prescription_covers(prescription=prescription, lines=order.lines.all(), exclude_order_id=order.pk)
    if not original_in_hand(prescription):
        raise OriginalPrescriptionAwaited(
            f"Order {order.number} cannot be dispatched yet: the original prescription has not been received and "
            "checked against what was approved (an uploaded copy is not the legal original), and it is not a "
            "verified electronic prescription.",
            field="prescription",
        )
