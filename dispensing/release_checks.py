"""What approval re-checks, every time, whatever the interface: called first thing by approve_order.

- Approval needs a pharmacist with a registered profile (GPhC number), who did not place the order, and
  a responsible pharmacist signed in when the order holds a P or POM line.

Dispatch is decided by the release gate (release_gate.py), which dispatch_order calls.
"""

from catalog.models import LegalCategory
from orders.models import Order

from .exceptions import NoResponsiblePharmacist, OwnOrderApproval
from .models import PharmacistProfile
from .register import record_supply
from .services import current_responsible_pharmacist, ensure_registered_pharmacist

__all__ = ["check_may_approve", "record_approver_registration", "record_supply"]

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
        raise OwnOrderApproval(f"You placed order {order.number} yourself; another pharmacist must approve it.")
    check_responsible_pharmacist(order=order)
    return profile


def record_approver_registration(*, order: Order, profile: PharmacistProfile) -> None:
    """Called by approve_order after the approval: the registration number the decision was made under."""
    order.approved_by_registration = profile.registration_number
    Order.objects.filter(pk=order.pk).update(approved_by_registration=profile.registration_number)
