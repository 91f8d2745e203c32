"""export.html: the readable part. One self-contained page (no scripts, styles inline, no outside links),
rendered with Django's auto-escaping: every value is the shopper's or staff's text.

export.json keeps the stored codes and ISO 8601 times, for machines; the page shows their labels and
dates as people read them, from a copy of the same data.
"""

import copy
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from catalog.models import LegalCategory
from orders.models import LineDecision, OrderStatus
from patients.models import AccessChannel
from patients.vocabulary import AllergyClass, Condition, Sex
from payments.models import MovementKind, PaymentStatus
from prescriptions.models import FileAccessChannel, PrescriptionSource, PrescriptionStatus

from ..models import ConsentInterface

WHAT_WAS_VIEWED = {
    "health_record": "a health record",
    "order_health_details": "an order's health details",
    "prescription_file": "a prescription file",
}
_CHANNELS = {**dict(AccessChannel.choices), **dict(FileAccessChannel.choices)}


def _label(choices, value):
    return dict(choices.choices).get(value, value) if value else value


def _when(value: str | None) -> str | None:
    """'7 December 2026, 15:06' for a time, '7 December 2026' for a date."""
    if not value:
        return value
    if "T" in value:
        return dateformat.format(timezone.localtime(datetime.fromisoformat(value)), "j F Y, H:i")
    return dateformat.format(date.fromisoformat(value), "j F Y")


def _dates(entry: dict, *keys: str) -> None:
    for key in keys:
        entry[key] = _when(entry[key])


def readable(data: dict) -> dict:
    shown = copy.deepcopy(data)
    shown["generated_at"] = _when(shown["generated_at"])
    _dates(shown["account"], "date_joined", "last_login", "email_verified_at")
    for order in shown["orders"]:
        order["status"] = _label(OrderStatus, order["status"])
        _dates(order, "placed_at")
        _dates(order["patient"], "date_of_birth")
        for line in order["lines"]:
            line["legal_category"] = _label(LegalCategory, line["legal_category"])
            line["pharmacist_decision"] = _label(LineDecision, line["pharmacist_decision"])
        for payment in order["payments"]:
            payment["status"] = _label(PaymentStatus, payment["status"])
            for movement in payment["movements"]:
                movement["kind"] = _label(MovementKind, movement["kind"])
                _dates(movement, "at")
        for alert in order["clinical_alerts"]:
            _dates(alert, "raised_at")
        for event in order["history"]:
            event["status"] = _label(OrderStatus, event["status"])
            _dates(event, "at")
    for prescription in shown["prescriptions"]:
        prescription["status"] = _label(PrescriptionStatus, prescription["status"])
        prescription["source"] = _label(PrescriptionSource, prescription["source"])
        _dates(prescription, "uploaded_at", "issued_on", "valid_until", "patient_date_of_birth")
    for record in shown["health_records"]:
        record["sex"] = _label(Sex, record["sex"])
        record["conditions"] = [_label(Condition, code) for code in record["conditions"]]
        record["allergy_classes"] = [_label(AllergyClass, code) for code in record["allergy_classes"]]
        _dates(record, "date_of_birth")
    for consent in shown["consents"]:
        consent["interface"] = _label(ConsentInterface, consent["interface"])
        _dates(consent, "given_at", "withdrawn_at", "superseded_at")
    for view in shown["staff_access_log"]:
        view["what"] = WHAT_WAS_VIEWED.get(view["what"], view["what"])
        view["channel"] = _CHANNELS.get(view["channel"], view["channel"])
        _dates(view, "at")
    return shown


def render_html(data: dict) -> bytes:
    return render_to_string(
        "privacy/export/export.html", {"export": readable(data), "pharmacy_name": settings.PHARMACY_NAME}
    ).encode("utf-8")
