"""Where the clinical checks learn about the patient. Every check (the cart, checkout, the pharmacist's
review) asks `facts_for_checkout`, so the patient's health record plugs in here and nowhere else."""

from dataclasses import replace

from patients.details import PatientDetails
from patients.facts import PatientFacts
from patients.models import Patient as HealthRecord
from patients.selectors import patients_with_clinical_details
from patients.services import clinical_facts


def facts_for_checkout(user, patient: PatientDetails, *, record: HealthRecord | None = None) -> PatientFacts:
    """The facts about `patient` (the account holder, or someone they care for) that the rules read: their
    health record (conditions, allergies, pregnancy, other medicines), with a date of birth given at
    checkout taking precedence over the record's. Someone named at checkout without a saved record has
    only their date of birth. A constant number of queries (the record and its prefetches), none when the
    caller passes the patient's `record` (checkout has read it, with patients_with_clinical_details)."""
    if record is None or record.pk != patient.record_id:
        record = _health_record(user=user, patient=patient)
    if record is None:
        return PatientFacts(date_of_birth=patient.date_of_birth)
    facts = clinical_facts(record)
    return replace(facts, date_of_birth=patient.date_of_birth or facts.date_of_birth)


def facts_for_order(order) -> PatientFacts:
    """The facts for an order's patient at review time: the same function, for the patient on the order."""
    patient = PatientDetails.of_order(order)
    return facts_for_checkout(order.user, patient)


def _health_record(*, user, patient: PatientDetails):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    records = patients_with_clinical_details().filter(owner=user)
    if patient.record_id is not None:
        return records.filter(pk=patient.record_id).first()
    if patient.is_account_holder:
        return records.filter(is_account_holder=True).first()
    return None
