import pytest

from clinical import context
from clinical.facts import PatientFacts

from .helpers import medicine_pack


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
def health_record(monkeypatch):
    """Stand in for the patient's health record: `health_record(conditions={"stomach_ulcer"})` makes
    every check see those facts (plus the date of birth checkout gives)."""

    def declare(**facts):
        def facts_for_checkout(user, patient):
            return PatientFacts(date_of_birth=patient.date_of_birth, **{
                name: frozenset(value) if isinstance(value, set | list | tuple) else value
                for name, value in facts.items()
            })

        monkeypatch.setattr(context, "facts_for_checkout", facts_for_checkout)

    return declare
