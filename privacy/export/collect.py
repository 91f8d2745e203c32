"""Everything the shop holds about one account, as plain JSON values (docs/privacy-export-schema.json).

Every read starts from the account: its orders, its prescriptions, its health records, its consents, and
the access logs that name one of those. Nothing is found by a shared address, phone or card, so another
shopper's data cannot come in that way; the safeguards' flags and matching keys, which compare one order
with other people's, are left out for the same reason.
"""

import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from clinical.models import OrderAlert
from orders.models import Order, OrderEvent, OrderLine
from patients.models import HealthRecordAccess, Patient
from patients.selectors import list_patients_for_user
from payments.models import Payment, PaymentMovement
from pharmacy.encryption import PrescriptionDecryptionError
from prescriptions.models import Prescription, PrescriptionFileAccess, PrescriptionItem

from ..models import HealthDataConsent

logger = logging.getLogger(__name__)

FORMAT = "pharmacy-subject-access-export"
FORMAT_VERSION = 1


@dataclass
class SubjectData:
    """The export's content: `data` becomes export.json (and export.html); `files` are stored beside them
    under their names (the decrypted prescription scans)."""

    data: dict
    files: dict[str, bytes] = field(default_factory=dict)


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _staff_name(staff) -> str:
    # Staff act for the pharmacy: their name is given, never their e-mail address.
    return (staff.full_name if staff is not None else "") or "A member of staff"


def _account(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_verified_at": _iso(user.email_verified_at),
        "is_active": user.is_active,
    }


def _addresses(orders: list[Order]) -> list[dict]:
    """The delivery details the shopper gave at checkout, each once, with the orders that used them."""
    found: dict[tuple, dict] = {}
    for order in sorted(orders, key=lambda order: (order.created_at, order.pk)):
        key = (order.full_name, order.phone, order.address_line1, order.address_line2, order.city,
               order.postcode, order.country)
        entry = found.setdefault(key, dict(zip(
            ["full_name", "phone", "address_line1", "address_line2", "city", "postcode", "country"], key,
            strict=True)) | {"orders": []})
        entry["orders"].append(order.number)
    return list(found.values())


def _line(line: OrderLine) -> dict:
    return {
        "sku": line.sku,
        "product_name": line.product_name,
        "description": line.description,
        "legal_category": line.legal_category,
        "quantity": line.quantity,
        "quantity_not_supplied": line.quantity_not_supplied,
        "unit_price": _amount(line.unit_price_amount),
        "vat_rate": str(line.vat_rate),
        "vat": _amount(line.vat_amount),
        "pharmacist_decision": line.decision or None,
        "refusal_reason": line.shopper_refusal_reason or None,
        "consultation_answers": [
            {"question": str(answer.get("question", "")), "answer_type": str(answer.get("answer_type", "")),
             "answer": str(answer.get("answer", ""))}
            for answer in line.consultation_answers
        ],
    }


def _payment(payment: Payment) -> dict:
    return {
        "status": payment.status,
        "gateway": payment.gateway,
        "currency": payment.currency,
        "amount_authorised": _amount(payment.amount_authorised),
        "amount_captured": _amount(payment.amount_captured),
        "amount_refunded": _amount(payment.amount_refunded),
        "card_last4": payment.card_last4 or None,
        "created_at": _iso(payment.created_at),
        "movements": [
            {"kind": movement.kind, "amount": _amount(movement.amount), "currency": movement.currency,
             "at": _iso(movement.created_at)}
            for movement in payment.movements.all()
        ],
    }


def _alert(alert: OrderAlert) -> dict:
    return {
        "kind": alert.get_kind_display(),
        "severity": alert.severity,
        "message": alert.message,
        "advice": alert.advice,
        "source": alert.source,
        "raised_at": _iso(alert.created),
        "raised_at_review": alert.raised_at_review,
        "overridden_by_pharmacist": alert.overridden_by_id is not None,
    }


def _order(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "placed_at": _iso(order.created_at),
        "email": order.email,
        "full_name": order.full_name,
        "phone": order.phone,
        "address": {"address_line1": order.address_line1, "address_line2": order.address_line2,
                    "city": order.city, "postcode": order.postcode, "country": order.country},
        "patient": {"name": order.patient_display_name, "date_of_birth": _iso(order.patient_date_of_birth),
                    "is_account_holder": order.patient_is_account_holder,
                    "health_record_id": order.patient_record_id},
        "prescription_id": order.prescription_id,
        "currency": order.currency,
        "subtotal": _amount(order.subtotal_amount),
        "delivery_method": order.delivery_method_name,
        "delivery": _amount(order.delivery_amount),
        "vat": _amount(order.vat_amount),
        "total": _amount(order.total_amount),
        "lines": [_line(line) for line in order.lines.all()],
        "payments": [_payment(payment) for payment in order.payments.all()],
        "clinical_alerts": [_alert(alert) for alert in order.clinical_alerts.all()],
        "history": [{"status": event.to_status, "at": _iso(event.created_at)} for event in order.events.all()],
    }


def _orders(user) -> list[Order]:
    return list(
        Order.objects.filter(user=user)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("payments", queryset=Payment.objects.order_by("created_at", "pk").prefetch_related(
                Prefetch("movements", queryset=PaymentMovement.objects.order_by("created_at", "pk")))),
            Prefetch("clinical_alerts", queryset=OrderAlert.objects.order_by("pk")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
        )
        .order_by("created_at", "pk")
    )


def _prescription_file(prescription: Prescription) -> tuple[str, bytes] | None:
    """The scan as uploaded (decrypted by the private storage), named by the prescription, never by the
    shopper's file name; None when it is gone (past its retention) or cannot be read."""
    if not prescription.file:
        return None
    try:
        with prescription.file.open("rb") as handle:
            content = handle.read()
    except (OSError, PrescriptionDecryptionError) as error:
        logger.error("Export: prescription %s's stored file could not be read: %r", prescription.pk, error)
        return None
    extension = mimetypes.guess_extension(prescription.content_type) or ".bin"
    return f"prescriptions/prescription-{prescription.pk}{extension}", content


def _prescriptions(user, files: dict[str, bytes]) -> list[dict]:
    prescriptions = (
        Prescription.objects.filter(owner=user)
        .prefetch_related(Prefetch("items", queryset=PrescriptionItem.objects.select_related("pack__product")
                                   .prefetch_related("pack__strengths").order_by("pk")))
        .order_by("uploaded_at", "pk")
    )
    exported = []
    for prescription in prescriptions:
        stored = _prescription_file(prescription)
        if stored is not None:
            files[stored[0]] = stored[1]
        exported.append({
            "id": prescription.pk,
            "status": prescription.status,
            "uploaded_at": _iso(prescription.uploaded_at),
            "original_filename": prescription.original_filename,
            "content_type": prescription.content_type,
            "sha256": prescription.sha256,
            "file": stored[0] if stored is not None else None,
            "source": prescription.source,
            "prescriber_name": prescription.prescriber_name,
            "issued_on": _iso(prescription.issued_on),
            "valid_until": _iso(prescription.valid_until),
            "patient_name": prescription.patient_name,
            "patient_date_of_birth": _iso(prescription.patient_date_of_birth),
            "rejection_reason": prescription.shopper_rejection_reason or None,
            "items": [_prescription_item(item) for item in prescription.items.all()],
        })
    return exported


def _prescription_item(item: PrescriptionItem) -> dict:
    """What the prescription authorised, with its directions as written and as recorded for the checks."""
    return {
        "medicine": str(item.pack),
        "quantity": item.quantity,
        "directions": item.directions,
        "dose": None if item.dose is None else format(item.dose.normalize(), "f"),
        "dose_unit": item.dose_unit,
        "times_per_day": item.times_per_day,
        "every_days": item.every_days,
        "as_directed": item.as_directed,
    }


def _health_records(user) -> list[Patient]:
    return list(list_patients_for_user(user=user).order_by("-is_account_holder", "name", "pk"))


def _health_record(patient: Patient) -> dict:
    return {
        "id": patient.pk,
        "name": patient.name,
        "date_of_birth": _iso(patient.date_of_birth),
        "is_account_holder": patient.is_account_holder,
        "sex": patient.sex or None,
        "pregnant": patient.pregnant,
        "pregnancy_weeks": patient.pregnancy_weeks,
        "breastfeeding": patient.breastfeeding,
        "conditions": list(patient.conditions),
        "allergy_classes": list(patient.allergy_classes),
        "allergy_ingredients": [ingredient.name for ingredient in patient.allergy_ingredients.all()],
        "other_medicines": [ingredient.name for ingredient in patient.other_medicines.all()],
        "other_medicines_text": patient.other_medicines_text,
        "created_at": _iso(patient.created_at),
        "updated_at": _iso(patient.updated_at),
    }


def _consultation_answers(orders: list[Order]) -> list[dict]:
    return [
        {"order_number": order.number, "product_name": line.product_name} | answer
        for order in orders
        for line in order.lines.all()
        for answer in _line(line)["consultation_answers"]
    ]


def _consents(user) -> list[dict]:
    return [
        {"notice_version": consent.notice.number, "text_shown": consent.text_shown, "given_at": _iso(consent.given_at),
         "interface": consent.interface, "withdrawn_at": _iso(consent.withdrawn_at),
         "superseded_at": _iso(consent.superseded_at)}
        for consent in HealthDataConsent.objects.filter(user=user).select_related("notice").order_by("given_at", "pk")
    ]


def _staff_access_log(*, patient_ids: list[int], order_numbers: list[str], prescription_ids: list[int]) -> list[dict]:
    """Who on the staff looked at the shopper's health records, orders' health details or prescription files."""
    views = [
        {"at": _iso(access.accessed_at), "staff": _staff_name(access.staff), "what": "health_record"
         if access.patient_reference in patient_ids else "order_health_details",
         "health_record_id": access.patient_reference if access.patient_reference in patient_ids else None,
         "order_number": access.order_number or None, "prescription_id": None, "channel": access.channel,
         "served": True}
        for access in HealthRecordAccess.objects.filter(
            Q(patient_id__in=patient_ids) | Q(patient_reference__in=patient_ids) | Q(order_number__in=order_numbers)
        ).select_related("staff")
    ]
    views += [
        {"at": _iso(access.accessed_at), "staff": _staff_name(access.user), "what": "prescription_file",
         "health_record_id": None, "order_number": None, "prescription_id": access.prescription_reference,
         "channel": access.channel, "served": access.served}
        for access in PrescriptionFileAccess.objects.filter(prescription_reference__in=prescription_ids)
        .select_related("user")
    ]
    return sorted(views, key=lambda view: view["at"])


def collect_subject_data(*, user) -> SubjectData:
    """The account, its delivery addresses, orders (lines, payments, clinical alerts), prescriptions (with
    their scans), health records, consultation answers, consents and the staff access log."""
    files: dict[str, bytes] = {}
    orders = _orders(user)
    records = _health_records(user)
    prescriptions = _prescriptions(user, files)
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": _iso(timezone.now()),
        "account": _account(user),
        "addresses": _addresses(orders),
        "orders": [_order(order) for order in orders],
        "prescriptions": prescriptions,
        "health_records": [_health_record(record) for record in records],
        "consultation_answers": _consultation_answers(orders),
        "consents": _consents(user),
        "staff_access_log": _staff_access_log(
            patient_ids=[record.pk for record in records],
            order_numbers=[order.number for order in orders],
            prescription_ids=[prescription["id"] for prescription in prescriptions],
        ),
    }
    return SubjectData(data=data, files=files)
