"""Is a prescription's legal original in hand? A pharmacist may approve against an uploaded copy, but a
prescription-only medicine is supplied only when the paper original has been received and checked
against what was approved, or the prescription is an electronic one the pharmacist has retrieved and
verified (advanced electronic signature). An upload alone, or an EPS token, is never enough. Recording
the original is the pharmacist's (dispensing.originals)."""

from django.db.models import Q

from ..models import Prescription, PrescriptionSource


def original_in_hand(prescription: Prescription | None) -> bool:
    """May this prescription authorise a supply? Only a checked paper original or a verified e-prescription."""
    return prescription is not None and prescription.original_in_hand


def original_in_hand_condition(*, prefix: str = "") -> Q:
    """`original_in_hand` as a query condition (prefix "prescription__" to ask it of orders)."""
    return Q(**{f"{prefix}source__in": [PrescriptionSource.PAPER, PrescriptionSource.ELECTRONIC],
                f"{prefix}original_received_at__isnull": False, f"{prefix}original_matches": True})
