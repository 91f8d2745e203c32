"""What the clinical checks know about a patient: one immutable value, built from their health record
(patients) and read by the rule engine (clinical.checks). Neither side imports the other's models."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PatientFacts:
    date_of_birth: date | None = None
    sex: str = ""  # a patients.vocabulary.Sex code, or "" when unknown
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    breastfeeding: bool = False
    conditions: frozenset[str] = frozenset()  # patients.vocabulary.Condition codes
    allergy_classes: frozenset[str] = frozenset()  # patients.vocabulary.AllergyClass codes
    allergy_ingredients: frozenset[str] = frozenset()  # catalog.Ingredient names, lower case
    other_medicines: frozenset[str] = frozenset()  # ingredients the patient takes, lower case
    other_medicines_text: str = ""  # free text for the pharmacist; rules never read it

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
