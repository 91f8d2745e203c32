"""Every row lock of the prescriptions app. A prescription is locked after its order (orders/locks.py)
and before packs, always, so that review, cancellation and checkout take locks in one global order."""

from .models import Prescription


def prescription_for_update(*, prescription_id: int) -> Prescription:
    return Prescription.objects.select_for_update().get(pk=prescription_id)
