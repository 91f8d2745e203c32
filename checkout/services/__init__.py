"""Checkout services: placing an order, the consultation answers it carries, and "order again".

Views, API and tests import from here; the modules behind it are an implementation detail.
"""

from .consultations import (
    ConsultationAnswers,
    age_on,
    check_patient,
    consultation_snapshots,
    lines_needing_date_of_birth,
)
from .paying import place_order_and_authorise
from .placement import CheckoutDetails, place_order
from .reorders import add_prescription_to_cart, reorder_prescription

__all__ = [
    "CheckoutDetails",
    "ConsultationAnswers",
    "add_prescription_to_cart",
    "age_on",
    "check_patient",
    "consultation_snapshots",
    "lines_needing_date_of_birth",
    "place_order",
    "place_order_and_authorise",
    "reorder_prescription",
]
