import pytest

from catalog.models import Ingredient
from patients.services import HealthRecordDetails, account_holder_record, update_patient
from tests.builders.medicines import medicine_pack


class Packs(dict):
    """Created on first use (each costs a product, a leaflet and a search document)."""

    def __missing__(self, sku: str):
        self[sku] = medicine_pack(sku)
        return self[sku]


@pytest.fixture
def packs(db):
    """Baclofen 10 mg (POM), ibuprofen and paracetamol (GSL), co-codamol (P), amoxicillin (POM), by SKU."""
    return Packs()


@pytest.fixture
def health_record(user):
    """The shopper's own health record, written through the patients service the storefront and API use:
    `health_record(conditions={"stomach_ulcer"})`. Every check then reads it (clinical.context)."""

    def declare(**facts):
        for name in (*facts.get("other_medicines", ()), *facts.get("allergy_ingredients", ())):
            Ingredient.objects.get_or_create(name=name)  # a medicine we do not sell, such as diazepam
        record = account_holder_record(user=user)
        details = HealthRecordDetails(name=record.name, date_of_birth=record.date_of_birth,
                                      **{name: value for name, value in facts.items()})
        return update_patient(patient=record, details=details)

    return declare
