"""The prescription register: written at dispatch (`record_supply`), read by the admin view and CSV."""

import csv
import datetime
import io

from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.models import LegalCategory
from pharmacy.spreadsheet import spreadsheet_safe

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
    """The patient the medicines were for (someone the account holder cares for, or the account holder),
    never simply the account: the register records the patient's name and address."""
    return order.patient_display_name


def _address(order) -> str:
    parts = [order.address_line1, order.address_line2, order.city, order.postcode, order.country]
    return ", ".join(part for part in parts if part)


def _batches(line) -> str:
    """The batches the line was supplied from, as dispatch recorded them (`orders.OrderLineBatch`, picked
    first-expiry-first-out just before the register is written): "LOT1 (exp. 2027-03-31)", and the packs
    from each when a line took more than one batch."""
    supplied = sorted(line.batches.all(), key=lambda batch: (batch.expiry_date, batch.batch_number))
    if len(supplied) == 1:
        return f"{supplied[0].batch_number} (exp. {supplied[0].expiry_date:%Y-%m-%d})"
    text = ", ".join(f"{batch.batch_number} (exp. {batch.expiry_date:%Y-%m-%d}) × {batch.quantity}"
                     for batch in supplied)
    return text[: RegisterEntry._meta.get_field("batch").max_length]


def record_supply(*, order, actor) -> list[RegisterEntry]:
    """Called by dispatch_order inside its transaction: one register row per prescription-only line."""
    if order.prescription_id is None:
        return []
    prescription = order.prescription
    # Dispatch records the batches first (orders.services.batches.supply_order_batches), then calls this.
    # What was sent: a line staff could supply none of (supply less) has no supply to record.
    lines = list(order.lines.filter(legal_category=LegalCategory.PRESCRIPTION)
                 .exclude(quantity_not_supplied=F("quantity")).prefetch_related("batches"))
    supplied_at = timezone.now()
    entries = [
        RegisterEntry(
            supplied_at=supplied_at, order=order, order_line=line, prescription=prescription,
            patient_name=_patient_name(order), patient_address=_address(order),
            prescriber_name=prescription.prescriber_name, prescriber_registration=prescription.prescriber_registration,
            prescriber_address=prescription.prescriber_address, prescription_issued_on=prescription.issued_on,
            medicine=line.product_name, strength=line.strength, dosage_form=line.dosage_form,
            quantity=line.units_supplied, quantity_unit=line.pack_unit, sku=line.sku, batch=_batches(line),
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
        writer.writerow([spreadsheet_safe(value(entry)) for _, value in COLUMNS])  # names, addresses typed
    return buffer.getvalue()



def anonymise_register_entries(*, supplied_before: datetime.datetime, limit: int) -> int:
    """Remove the patient's name and address from up to `limit` entries supplied before `supplied_before`,
    once their retention has ended (privacy's retention clock decides when). The supply, medicine, batch and
    prescriber stay. The only change the register ever allows: the PostgreSQL trigger refuses any other, and
    this one too for an entry less than two years old, the legal minimum. Entries already anonymised are
    left alone, so a second run changes nothing. Returns how many changed."""
    pks = list(
        RegisterEntry.objects.filter(supplied_at__lt=supplied_before)
        .exclude(patient_name="", patient_address="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return RegisterEntry.objects.filter(pk__in=pks).update(patient_name="", patient_address="")
