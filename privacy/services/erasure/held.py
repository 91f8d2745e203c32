"""What an erasure keeps under a legal hold, kind by kind of the retention policy: how many records, and
until when (each record's trigger plus the policy's period; the report gives the latest). These records
are restricted (accounts.restriction) and the retention clock erases or anonymises them when they expire."""

from datetime import date, datetime

from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from dispensing.models import RegisterEntry
from orders.models import Order
from patients.models import HealthRecordAccess, Patient
from payments.models import Payment
from prescriptions.models import Prescription, PrescriptionFileAccess

from ...models import HealthDataConsent
from ...retention import RetentionPolicy
from .steps import SUPPLIED_STATUSES


def _held_orders(user):
    return (
        Order.objects.filter(user=user)
        .exclude(email="", full_name="", phone="", address_line1="", patient_name="")
        .annotate(closed_at=Coalesce(Max("events__created_at"), "updated_at"))
    )


def _supplied_prescriptions(user):
    return (
        Prescription.objects.filter(owner=user, orders__status__in=SUPPLIED_STATUSES)
        .distinct()
        .annotate(last_used=Greatest("uploaded_at", Coalesce(Max("orders__updated_at"), "uploaded_at")))
    )


def _triggers(user) -> dict[str, list[datetime]]:
    """Each held kind's records, as the moments their periods run from."""
    orders = list(_held_orders(user).values_list("pk", "closed_at"))
    order_ids = [pk for pk, _closed in orders]
    closed = dict(orders)
    patient_ids = list(Patient.objects.filter(owner=user).values_list("pk", flat=True))
    prescription_ids = Prescription.objects.filter(owner=user).values("pk")
    accesses = [
        *HealthRecordAccess.objects.filter(patient_id__in=patient_ids).values_list("accessed_at", flat=True),
        *PrescriptionFileAccess.objects.filter(prescription_id__in=prescription_ids).values_list(
            "accessed_at", flat=True
        ),
    ]
    return {
        "orders": [closed[pk] for pk in order_ids],
        "payment_movements": [
            closed[order_id]
            for order_id in Payment.objects.filter(order_id__in=order_ids).values_list("order_id", flat=True)
        ],
        "prescription_register": list(
            RegisterEntry.objects.filter(order__user=user).exclude(patient_name="", patient_address="")
            .values_list("supplied_at", flat=True)
        ),
        "prescription_files": list(_supplied_prescriptions(user).exclude(file="").values_list("last_used", flat=True)),
        "prescription_records": list(_supplied_prescriptions(user).values_list("last_used", flat=True)),
        "access_logs": accesses,
        # The erasure withdrew any consent in force first: each one's period runs from its end.
        "health_data_consents": list(
            HealthDataConsent.objects.filter(user=user)
            .annotate(ended_at=Coalesce("withdrawn_at", "superseded_at"))
            .exclude(ended_at=None)
            .values_list("ended_at", flat=True)
        ),
    }


# What happens when the hold ends, in the report's words.
OUTCOMES = {
    "delete": "deleted",
    "anonymise": "anonymised",
    "keep": "kept without your details, with the anonymised order",
}


def held_records(*, user, policy: RetentionPolicy) -> list[dict]:
    """The report's `kept` part: one entry per kind with records, with its reason, source and end date."""
    kept = []
    for kind, moments in _triggers(user).items():
        if not moments:
            continue
        rule = policy.get(kind)
        until: date = timezone.localdate(max(rule.period.after(moment) for moment in moments))
        kept.append({
            "kind": kind,
            "record": rule.record,
            "count": len(moments),
            "legal_basis": rule.legal_basis,
            "action": rule.action,
            "outcome": OUTCOMES[rule.action],
            "note": rule.note,
            "until": until.isoformat(),
            "source_title": rule.source_title,
            "source_url": rule.source_url,
        })
    order = [rule.kind for rule in policy.rules]
    return sorted(kept, key=lambda entry: order.index(entry["kind"]))

