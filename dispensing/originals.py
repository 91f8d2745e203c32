"""The pharmacist records a prescription's legal original: the paper original received and checked
against what was approved, or an electronic prescription retrieved and verified. Whether an original is
in hand is prescriptions.services.originals'."""

import re

from django.db import transaction
from django.utils import timezone

from catalog.models import LegalCategory
from orders.locks import order_for_update
from orders.models import LineDecision, Order, OrderStatus
from orders.state_machine import apply_transition
from prescriptions.exceptions import InvalidDispensingRecord, PrescriptionNotUsable
from prescriptions.locks import prescription_for_update
from prescriptions.models import Prescription, PrescriptionSource, PrescriptionStatus
from prescriptions.services.prescriptions import ensure_pharmacist

from .services import ensure_registered_pharmacist


def _ensure_approved(prescription: Prescription) -> None:
    if prescription.status != PrescriptionStatus.APPROVED:
        raise PrescriptionNotUsable(
            "Record the original against an approved prescription: approve the order's prescription first.",
            field="prescription",
        )


@transaction.atomic
def record_original_received(*, prescription: Prescription, pharmacist, matches: bool, note: str = "") -> Prescription:
    """The paper original has arrived and the pharmacist has checked it against what was approved.
    A mismatch reopens the review: the approval is withdrawn, approved orders on it go back to the queue."""
    ensure_pharmacist(pharmacist)
    ensure_registered_pharmacist(pharmacist)
    note = (note or "").strip()
    if not matches and not note:
        raise InvalidDispensingRecord("Say how the original differs from what was approved.", field="note")
    # Locks in the global order: orders before their prescription (orders/locks.py).
    reopened = [] if matches else _lock_approved_orders(prescription)
    prescription = prescription_for_update(prescription_id=prescription.pk)
    _ensure_approved(prescription)
    if prescription.source == PrescriptionSource.ELECTRONIC:
        raise PrescriptionNotUsable(
            "This prescription is electronic and verified; there is no paper original.", field="prescription"
        )
    prescription.source = PrescriptionSource.PAPER
    prescription.original_received_at = timezone.now()
    prescription.original_received_by = pharmacist
    prescription.original_matches = matches
    prescription.original_checked_note = note
    if matches:
        prescription.save()
        return prescription
    # What was approved is not what the prescriber wrote: the approval no longer stands.
    prescription.status = PrescriptionStatus.SUBMITTED
    prescription.save()
    prescription.items.all().delete()
    _reopen_orders(
        orders=reopened,
        pharmacist=pharmacist,
        reason=f"The original prescription does not match what was approved: {note}",
    )
    return prescription


# The prescribing service's identifier, e.g. an NHS EPS prescription ID (6-6-6 characters with dashes).
ELECTRONIC_PRESCRIPTION_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,39}$")
# An uploaded photo or scan is a picture of a paper prescription: its legal original is the paper.
SCANNED_CONTENT_TYPES = ("image/jpeg", "image/png")


@transaction.atomic
def record_electronic_verified(
    *, prescription: Prescription, pharmacist, electronic_prescription_id: str, note: str = ""
) -> Prescription:
    """The pharmacist retrieved the electronic prescription itself (by its identifier) and verified its
    advanced electronic signature; it is the legal original. Refused for an uploaded photo or scan (that
    prescription is on paper: record the paper original when it arrives), for one whose paper original was
    recorded, and for an identifier already recorded against another prescription."""
    ensure_pharmacist(pharmacist)
    ensure_registered_pharmacist(pharmacist)
    identifier = (electronic_prescription_id or "").strip().upper()
    if not ELECTRONIC_PRESCRIPTION_ID.match(identifier):
        raise InvalidDispensingRecord(
            "Enter the electronic prescription's identifier as the prescribing service shows it (6 to 40 "
            "letters, digits and dashes, e.g. 3F1A2B-A83008-4E1D5Q).",
            field="electronic_prescription_id",
        )
    prescription = prescription_for_update(prescription_id=prescription.pk)
    _ensure_approved(prescription)
    if prescription.content_type in SCANNED_CONTENT_TYPES:
        raise PrescriptionNotUsable(
            "This prescription came as an uploaded photo or scan of a paper prescription: its legal original "
            "is the paper. Record the paper original when it arrives.",
            field="prescription",
        )
    if prescription.source == PrescriptionSource.PAPER:
        raise PrescriptionNotUsable(
            "The paper original of this prescription was recorded; it is not electronic.", field="prescription"
        )
    if Prescription.objects.filter(electronic_prescription_id=identifier).exclude(pk=prescription.pk).exists():
        raise PrescriptionNotUsable(
            f"Electronic prescription {identifier} is already the original of another prescription.",
            field="electronic_prescription_id",
        )
    prescription.source = PrescriptionSource.ELECTRONIC
    prescription.electronic_prescription_id = identifier
    prescription.original_received_at = timezone.now()
    prescription.original_received_by = pharmacist
    prescription.original_matches = True
    prescription.original_checked_note = (note or "").strip()
    prescription.save()
    return prescription


def _lock_approved_orders(prescription: Prescription) -> list[Order]:
    ids = prescription.orders.filter(status=OrderStatus.APPROVED).order_by("pk").values_list("pk", flat=True)
    return [order_for_update(order_id=order_id) for order_id in list(ids)]


def _reopen_orders(*, orders: list[Order], pharmacist, reason: str) -> None:
    """Approved -> awaiting review (the state machine's reopening): the prescription-only lines wait for a
    pharmacist's decision again, and nothing that released the order stands."""
    for order in orders:
        if order.status != OrderStatus.APPROVED:
            continue
        order.prescription_approved_by = None
        order.prescription_approved_at = None
        order.approved_by_registration = ""
        order.released_by = None
        order.lines.filter(legal_category=LegalCategory.PRESCRIPTION).update(
            decision=LineDecision.PENDING, decision_reason="", decided_by=None, decided_at=None
        )
        apply_transition(order=order, to_status=OrderStatus.AWAITING_REVIEW, actor=pharmacist, reason=reason)
