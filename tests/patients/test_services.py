"""Health records through the services: validation, the account holder's one record, removal, and the
clinical facts the rule engine reads."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout.services import place_order
from patients.details import PatientDetails as OrderPatient
from patients.exceptions import HealthRecordInUse, InvalidHealthRecord
from patients.models import Patient
from patients.selectors import patients_with_details
from patients.services import (
    HealthRecordDetails,
    account_holder_record,
    clinical_facts,
    delete_patient,
    update_patient,
)
from tests.builders.orders import cart_with, details
from tests.builders.patients import child_record, ingredients
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_holders_record_is_made_once_from_the_accounts_name():
    user = UserFactory(full_name="Ada Lovelace", health_record=False)
    first = account_holder_record(user=user)
    assert (first.name, first.is_account_holder, first.date_of_birth) == ("Ada Lovelace", True, None)
    assert account_holder_record(user=user) == first
    assert Patient.objects.filter(owner=user).count() == 1


def test_a_record_for_a_child_gives_the_clinical_facts_in_lower_case(user):
    ingredients("Diazepam", "Ibuprofen")
    patient = child_record(user, name="  Sam   Carer ", sex="female", pregnant=False, breastfeeding=False,
                           conditions=["kidney_disease", "epilepsy", "epilepsy"],
                           allergy_ingredients=["ibuprofen"], other_medicines=["DIAZEPAM"],
                           other_medicines_text="A brown inhaler")
    facts = clinical_facts(patient)
    assert patient.name == "Sam Carer" and not patient.is_account_holder
    assert facts.conditions == frozenset({"kidney_disease", "epilepsy"})
    assert facts.allergy_classes == frozenset({"penicillins"})
    assert facts.allergy_ingredients == frozenset({"ibuprofen"})
    assert facts.other_medicines == frozenset({"diazepam"})
    assert facts.other_medicines_text == "A brown inhaler"
    assert facts.age_on(datetime.date(2026, 4, 1)) == 11


def test_clinical_facts_cost_no_query_for_a_prefetched_record(user):
    ingredients("Diazepam", "Codeine")
    patient = child_record(user, other_medicines=["Diazepam", "Codeine"], allergy_ingredients=["Codeine"])
    prefetched = patients_with_details().get(pk=patient.pk)
    with CaptureQueriesContext(connection) as queries:
        facts = clinical_facts(prefetched)
    assert len(queries) == 0
    assert facts.other_medicines == frozenset({"diazepam", "codeine"})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"date_of_birth": "tomorrow"}, "date_of_birth"),
        ({"sex": "male", "pregnant": True}, "pregnant"),
        ({"sex": "male", "breastfeeding": True}, "breastfeeding"),
        ({"sex": "female", "pregnant": True, "pregnancy_weeks": 43}, "pregnancy_weeks"),
        ({"sex": "female", "pregnancy_weeks": 12}, "pregnancy_weeks"),
        ({"sex": "unknown"}, "sex"),
        ({"conditions": ["kidney_disease", "gout"]}, "conditions"),
        ({"allergy_classes": ["statins"]}, "allergy_classes"),
        ({"other_medicines": ["unobtainium"]}, "other_medicines"),
        ({"allergy_ingredients": ["unobtainium"]}, "allergy_ingredients"),
    ],
)
def test_an_invalid_record_is_refused_at_its_field(user, overrides, field):
    # Tomorrow as of the test's run, not of collection: a run that crosses midnight saw "tomorrow" become today.
    if overrides.get("date_of_birth") == "tomorrow":
        overrides = {**overrides, "date_of_birth": timezone.localdate() + datetime.timedelta(days=1)}
    with pytest.raises(InvalidHealthRecord) as refusal:
        child_record(user, **overrides)
    assert refusal.value.field == field
    assert not Patient.objects.filter(owner=user, is_account_holder=False).exists()


def test_pregnancy_is_recorded_for_a_woman_or_when_sex_is_not_stated(user):
    patient = child_record(user, name="Mia", sex="not_stated", pregnant=True, pregnancy_weeks=12,
                           date_of_birth=datetime.date(1995, 1, 1))
    facts = clinical_facts(patient)
    assert (facts.pregnant, facts.pregnancy_weeks) == (True, 12)


def test_update_replaces_the_record(user):
    ingredients("Sertraline")
    patient = child_record(user)
    update_patient(patient=patient, details=HealthRecordDetails(name="Sam C", other_medicines=["sertraline"]))
    patient.refresh_from_db()
    assert (patient.name, patient.date_of_birth, patient.conditions) == ("Sam C", None, [])
    assert clinical_facts(patient).other_medicines == frozenset({"sertraline"})


def test_the_account_holders_record_cannot_be_removed(user):
    with pytest.raises(HealthRecordInUse):
        delete_patient(patient=account_holder_record(user=user))


def test_a_record_is_removed_unless_an_order_names_it(user, gsl_pack):
    removable, kept = child_record(user, name="Removable"), child_record(user, name="Kept")
    place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k",
                patient=OrderPatient(record_id=kept.pk))
    delete_patient(patient=removable)
    with pytest.raises(HealthRecordInUse):
        delete_patient(patient=kept)
    assert list(Patient.objects.filter(owner=user, is_account_holder=False)) == [kept]


def test_a_medicine_is_declared_with_or_without_its_salt(user):
    ingredients("Warfarin sodium", "Codeine phosphate", "Omeprazole")

    patient = child_record(user, other_medicines=["warfarin", "Codeine"], allergy_ingredients=["omeprazole magnesium"],
                           allergy_classes=[])

    facts = clinical_facts(patient)
    assert facts.other_medicines == frozenset({"warfarin sodium", "codeine phosphate"})
    assert facts.allergy_ingredients == frozenset({"omeprazole"})
