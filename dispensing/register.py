"""The prescription register: written at dispatch (`record_supply`), read by the admin view and CSV."""

import csv
import datetime
import io

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import LegalCategory

from .models import RegisterEntry

COLUMNS = [
    ("Date supplied", lambda e: f"{timezone.localtime(e.supplied_at):%Y-%m-%d %H:%M}"),
    ("Order", lambda e: e.order.number),
    ("Patient", lambda e: e.patient_name),
    ("Patient address", lambda e: e.patient_address),
    ("Prescriber", lambda e: e.prescriber_name),
    ("Prescriber registration", lambda e: e.prescriber_registration),
    ("Prescriber address", lambda e: e.prescriber_address),
    ("Prescription issued", lambda e: f"{e.prescription_issued_on:%Y-%m-%d}"),
    ("Medicine", lambda e: e.medicine),
    ("Strength", lambda e: e.strength),
    ("Form", lambda e: e.dosage_form),
    ("Quantity", lambda e: e.quantity),
    ("Unit", lambda e: e.quantity_unit),
    ("Batch", lambda e: e.batch),
    ("Pharmacist", lambda e: str(e.pharmacist)),
    ("Pharmacist registration", lambda e: e.pharmacist_registration),
]


def _patient_name(order) -> str:
    return getattr(order, "patient_name", "") or order.full_name


def _address(order) -> str:
    parts = [order.address_line1, order.address_line2, order.city, order.postcode, order.country]
    return ", ".join(part for part in parts if part)


def _batches(line) -> str:
    """Batch numbers dispatched on the line, when stock is held in batches (issue 8.6): read, never required."""
    numbers = getattr(line, "batch_numbers", None)
    if numbers is None:
        return ""
    if isinstance(numbers, str):
        return numbers
    return ", ".join(str(number) for number in numbers)


def record_supply(*, order, actor) -> list[RegisterEntry]:
    """Called by dispatch_order inside its transaction: one register row per prescription-only line."""
    if order.prescription_id is None:
        return []
    prescription = order.prescription
    lines = [line for line in order.lines.all() if line.legal_category == LegalCategory.PRESCRIPTION]
    supplied_at = timezone.now()
    entries = [
        RegisterEntry(
            supplied_at=supplied_at, order=order, order_line=line, prescription=prescription,
            patient_name=_patient_name(order), patient_address=_address(order),
            prescriber_name=prescription.prescriber_name, prescriber_registration=prescription.prescriber_registration,
            prescriber_address=prescription.prescriber_address, prescription_issued_on=prescription.issued_on,
            medicine=line.product_name, strength=line.strength, dosage_form=line.dosage_form,
            quantity=line.units, quantity_unit=line.pack_unit, sku=line.sku, batch=_batches(line),
            pharmacist_id=order.prescription_approved_by_id, pharmacist_registration=order.approved_by_registration,
            dispatched_by=actor,
        )
        for line in lines
    ]
    return RegisterEntry.objects.bulk_create(entries)


def list_register_entries(
    *, date_from: datetime.date | None = None, date_to: datetime.date | None = None, medicine: str = ""
) -> QuerySet[RegisterEntry]:
    entries = RegisterEntry.objects.select_related("order", "pharmacist").order_by("supplied_at", "pk")
    if date_from:
        entries = entries.filter(supplied_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(supplied_at__date__lte=date_to)
    if medicine.strip():
        entries = entries.filter(medicine__icontains=medicine.strip())
    return entries


def register_csv(entries) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for title, _ in COLUMNS])
    for entry in entries:
        writer.writerow([_safe(value(entry)) for _, value in COLUMNS])
    return buffer.getvalue()


def _safe(value):
    # Spreadsheet formula injection: a cell a spreadsheet would evaluate is prefixed with a quote.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else value
