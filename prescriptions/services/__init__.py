"""Prescription services: the shopper's upload, the pharmacist's decision and dispensing record, repeats
and their issues, coverage (does a prescription authorise what an order holds?), the legal original, the
named patient and the files' encryption.

Views, API, admin and tasks import from here; the modules behind it are an implementation detail.
"""

from .coverage import check_prescription_covers
from .prescriptions import (
    AuthorisedItem,
    DispensingRecord,
    approve_prescription,
    ensure_pharmacist,
    reject_prescription,
    submit_prescription,
)

__all__ = [
    "AuthorisedItem",
    "DispensingRecord",
    "approve_prescription",
    "check_prescription_covers",
    "ensure_pharmacist",
    "reject_prescription",
    "submit_prescription",
]
