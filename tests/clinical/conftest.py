import pytest

from clinical import context
from clinical.facts import PatientFacts

from .helpers import medicine_pack


@pytest.fixture
def packs(db):
    """Baclofen 10 mg (POM), ibuprofen and paracetamol (GSL), co-codamol (P), amoxicillin (POM), by SKU."""
    return {sku: medicine_pack(sku) for sku in ("BAC-10-84", "IBU-200-16", "PARA-500-16", "COCO-8-500-32",
                                                  "AMOX-500-21")}


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
