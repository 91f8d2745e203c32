"""The health record as staff see it on the pharmacist's review screen (admin and API): a summary in
words and the medication history. Reading it through here logs the view."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .access import log_health_record_view, may_view_health_records
from .models import AccessChannel, Patient
from .selectors import medication_history, patients_with_details
from .services import clinical_facts
from .vocabulary import AllergyClass, Condition, Sex

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Supply:
    supplied_on: datetime
    order_number: str
    description: str
    quantity: int
    status: str
    ingredients: list[str]


@dataclass(frozen=True)
class HealthRecordSummary:
    record_id: int
    name: str
    date_of_birth: date | None
    age: int | None
    sex: str
    pregnant: bool
    pregnancy_weeks: int | None
    breastfeeding: bool
    conditions: list[str]
    allergies: list[str]
    other_medicines: list[str]
    other_medicines_text: str
    medication_history: list[Supply]


def _labels(codes, choices) -> list[str]:
    labels = dict(choices.choices)
    return [labels.get(code, code) for code in sorted(codes)]


def health_record_summary(patient: Patient) -> HealthRecordSummary:
    facts = clinical_facts(patient)
    history = [
        Supply(supplied_on=line.order.created_at, order_number=line.order.number, description=line.description,
               quantity=line.quantity, status=line.order.get_status_display(),
               ingredients=sorted(strength.ingredient.name for strength in line.pack.strengths.all()))
        for line in medication_history(patient=patient)[:HISTORY_LIMIT]
    ]
    return HealthRecordSummary(
        record_id=patient.pk, name=patient.name, date_of_birth=patient.date_of_birth,
        age=facts.age_on(timezone.localdate()), sex=dict(Sex.choices).get(patient.sex, "Not recorded"),
        pregnant=patient.pregnant, pregnancy_weeks=patient.pregnancy_weeks, breastfeeding=patient.breastfeeding,
        conditions=_labels(facts.conditions, Condition),
        allergies=_labels(facts.allergy_classes, AllergyClass)
        + [i.name for i in patient.allergy_ingredients.all()],
        other_medicines=[i.name for i in patient.other_medicines.all()],
        other_medicines_text=patient.other_medicines_text,
        medication_history=history,
    )


@dataclass(frozen=True)
class OrderHealthDetails:
    """What one member of staff may see of an order's health details: the consultation answers and the
    clinical alerts (`shown`), and the patient's record if the order has one."""

    shown: bool
    record: HealthRecordSummary | None


HIDDEN = OrderHealthDetails(shown=False, record=None)


def review_order_health(*, staff, order, channel: AccessChannel) -> OrderHealthDetails:
    """An order's health details for a member of staff who may see them, the view logged; HIDDEN to any
    other (they see the order, never its consultation answers, alert subjects or record)."""
    if not may_view_health_records(staff):
        return HIDDEN
    patient = patients_with_details().get(pk=order.patient_record_id) if order.patient_record_id else None
    log_health_record_view(staff=staff, patient=patient, channel=channel, order_number=order.number)
    return OrderHealthDetails(shown=True, record=health_record_summary(patient) if patient else None)
