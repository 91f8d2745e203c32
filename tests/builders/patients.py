"""Builders for the health record tests."""

import datetime

from catalog.models import Ingredient
from patients.details import PatientDetails
from patients.services import HealthRecordDetails, create_patient

# The shopper's own details for a checkout: an adult, so no age band of the clinical rules applies.
ADULT = PatientDetails(date_of_birth=datetime.date(1980, 1, 1))


def child_record(owner, **overrides):
    values = {"name": "Sam Carer", "date_of_birth": datetime.date(2015, 4, 1), "conditions": ["asthma"],
              "allergy_classes": ["penicillins"]}
    values.update(overrides)
    return create_patient(owner=owner, details=HealthRecordDetails(**values))


def ingredients(*names: str) -> list[Ingredient]:
    return [Ingredient.objects.get_or_create(name=name)[0] for name in names]
