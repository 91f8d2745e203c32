"""The medication history: what this pharmacy supplied to the patient, and when; never what is still
waiting, was rejected or refused, or went to someone else."""

import pytest

from checkout.services import place_order
from dispensing.approval import reject_order
from patients.details import PatientDetails
from patients.selectors import medication_history
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import child_record

pytestmark = pytest.mark.django_db


def test_history_holds_supplies_to_this_patient_only(user, pharmacist, gsl_pack, pom_pack):
    sam, other = child_record(user), child_record(user, name="Alex Carer")

    def order(*packs, patient, key, prescription=None):
        return place_order(user=user, cart=cart_with(user, *packs), details=details(), idempotency_key=key,
                           prescription=prescription, patient=PatientDetails(record_id=patient.pk))

    supplied = order((gsl_pack, 2), patient=sam, key="supplied")
    order((gsl_pack, 1), patient=other, key="someone else")
    order((pom_pack, 1), patient=sam, key="waiting", prescription=uploaded_prescription(user))
    rejected = order((pom_pack, 1), patient=sam, key="rejected", prescription=uploaded_prescription(user))
    reject_order(order=rejected, pharmacist=pharmacist, reason="not_suitable")

    history = list(medication_history(patient=sam))
    assert [(line.order.number, line.quantity) for line in history] == [(supplied.number, 2)]
    assert [s.ingredient.name for s in history[0].pack.strengths.all()] == [
        s.ingredient.name for s in gsl_pack.strengths.all()]
