"""Writes to health records, with their validation, and the one read the clinical checks make:
clinical_facts(patient)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from catalog.models import Ingredient
from catalog.names import allergy_group, ingredients_named, moiety

from .exceptions import HealthRecordInUse, InvalidHealthRecord
from .facts import PatientFacts
from .models import MAX_PREGNANCY_WEEKS, Patient
from .vocabulary import AllergyClass, Condition, Sex

MAX_AGE_YEARS = 130
MAX_TEXT_LENGTH = 1000
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class HealthRecordDetails:
    """What the shopper tells us. Ingredients are named (any case); codes come from patients.vocabulary."""

    name: str
    date_of_birth: date | None = None
    sex: str = ""
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    breastfeeding: bool = False
    conditions: Iterable[str] = field(default=())
    allergy_classes: Iterable[str] = field(default=())
    allergy_ingredients: Iterable[str] = field(default=())
    other_medicines: Iterable[str] = field(default=())
    other_medicines_text: str = ""


def account_holder_record(*, user) -> Patient:
    """The account holder's own record, made on demand from the account's name (one per account: two
    racing requests both end up with the row the unique constraint let through)."""
    try:  # every checkout but an account's first: a plain read, without get_or_create's savepoint
        return Patient.objects.get(owner=user, is_account_holder=True)
    except Patient.DoesNotExist:
        pass
    defaults = {"name": (user.full_name or "").strip() or user.email}
    try:
        with transaction.atomic():
            patient, _ = Patient.objects.get_or_create(owner=user, is_account_holder=True, defaults=defaults)
    except IntegrityError:
        patient = Patient.objects.get(owner=user, is_account_holder=True)
    return patient


def _codes(values: Iterable[str], allowed: type, field_name: str, what: str) -> list[str]:
    codes = sorted({str(value).strip() for value in values if str(value).strip()})
    unknown = [code for code in codes if code not in allowed.values]
    if unknown:
        raise InvalidHealthRecord(f"Unknown {what}: {', '.join(unknown)}.", field=field_name)
    return codes


def _named_as_pharmacists_do(name: str) -> list[Ingredient]:
    """The catalog's ingredients a name means: a brand's ingredients ("Nurofen"), or the ingredient with or
    without its salt ("warfarin" is "warfarin sodium" in our catalog, and the other way round)."""
    query = Q()
    for candidate in ingredients_named(name):
        query |= Q(lower_name=candidate) | Q(lower_name__startswith=candidate + " ") | Q(lower_name=moiety(candidate))
    return list(Ingredient.objects.annotate(lower_name=Lower("name")).filter(query))


def _ingredients(names: Iterable[str], field_name: str, hint: str) -> list[Ingredient]:
    wanted = {" ".join(str(name).split()).lower() for name in names if str(name).strip()}
    if not wanted:
        return []
    found = list(Ingredient.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=wanted))
    missing = sorted(wanted - {ingredient.lower_name for ingredient in found})
    for name in list(missing):
        if named := _named_as_pharmacists_do(name):
            found += named
            missing.remove(name)
    if missing:
        raise InvalidHealthRecord(f"We do not know the ingredient {', '.join(missing)}. {hint}", field=field_name)
    return found


def _validated(details: HealthRecordDetails) -> tuple[dict, list[Ingredient], list[Ingredient]]:
    name = " ".join(details.name.split())
    if not name:
        raise InvalidHealthRecord("Enter the patient's full name.", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidHealthRecord(f"Keep the name under {MAX_NAME_LENGTH} characters.", field="name")
    today = timezone.localdate()
    born = details.date_of_birth
    if born is not None and born > today:
        raise InvalidHealthRecord("The date of birth cannot be in the future.", field="date_of_birth")
    if born is not None and today.year - born.year > MAX_AGE_YEARS:
        raise InvalidHealthRecord("Check the year of the date of birth.", field="date_of_birth")
    sex = details.sex or ""
    if sex and sex not in Sex.values:
        raise InvalidHealthRecord("Choose female, male or prefer not to say.", field="sex")
    if details.pregnant and sex == Sex.MALE:
        raise InvalidHealthRecord("Pregnancy can be recorded only for a female patient, or when sex is not "
                                  "stated.", field="pregnant")
    if details.breastfeeding and sex == Sex.MALE:
        raise InvalidHealthRecord("Breastfeeding can be recorded only for a female patient, or when sex is not "
                                  "stated.", field="breastfeeding")
    weeks = details.pregnancy_weeks
    if weeks is not None and not details.pregnant:
        raise InvalidHealthRecord("Weeks of pregnancy apply only when the patient is pregnant.",
                                  field="pregnancy_weeks")
    if weeks is not None and not 1 <= weeks <= MAX_PREGNANCY_WEEKS:
        raise InvalidHealthRecord(f"Weeks of pregnancy are from 1 to {MAX_PREGNANCY_WEEKS}.",
                                  field="pregnancy_weeks")
    allergy_names = [str(name) for name in details.allergy_ingredients if str(name).strip()]
    text = details.other_medicines_text.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidHealthRecord(f"Keep the other medicines under {MAX_TEXT_LENGTH} characters.",
                                  field="other_medicines_text")
    values = {
        "name": name, "date_of_birth": born, "sex": sex, "pregnant": details.pregnant, "pregnancy_weeks": weeks,
        "breastfeeding": details.breastfeeding, "other_medicines_text": text,
        "conditions": _codes(details.conditions, Condition, "conditions", "condition"),
        # An allergy declared by its group's name ("NSAIDs", "penicillin") is the group.
        "allergy_classes": _codes([*details.allergy_classes, *filter(None, map(allergy_group, allergy_names))],
                                  AllergyClass, "allergy_classes", "allergy group"),
    }
    allergies = _ingredients([name for name in allergy_names if not allergy_group(name)], "allergy_ingredients",
                             "Choose it from the list, or pick its group of medicines.")
    medicines = _ingredients(details.other_medicines, "other_medicines",
                             "Choose it from the list, or write it under other medicines in your own words.")
    return values, allergies, medicines


@transaction.atomic
def create_patient(*, owner, details: HealthRecordDetails) -> Patient:
    """A record for someone the shopper cares for (a child, a parent)."""
    values, allergies, medicines = _validated(details)
    patient = Patient.objects.create(owner=owner, is_account_holder=False, **values)
    patient.allergy_ingredients.set(allergies)
    patient.other_medicines.set(medicines)
    return patient


@transaction.atomic
def update_patient(*, patient: Patient, details: HealthRecordDetails) -> Patient:
    values, allergies, medicines = _validated(details)
    for name, value in values.items():
        setattr(patient, name, value)
    patient.save()
    patient.allergy_ingredients.set(allergies)
    patient.other_medicines.set(medicines)
    return patient


@transaction.atomic
def delete_patient(*, patient: Patient) -> None:
    if patient.is_account_holder:
        raise HealthRecordInUse("Your own health record stays with your account; edit it instead.")
    if patient.orders.exists():
        raise HealthRecordInUse(
            f"{patient.name} has orders with us: our pharmacy keeps their record with those orders."
        )
    patient.delete()


def record_date_of_birth(*, patient: Patient, date_of_birth: date) -> Patient:
    """Fill in a missing date of birth given at checkout (the checkout asks for what is missing)."""
    if date_of_birth > timezone.localdate():
        raise InvalidHealthRecord("The date of birth cannot be in the future.", field="date_of_birth")
    Patient.objects.filter(pk=patient.pk).update(date_of_birth=date_of_birth)
    patient.date_of_birth = date_of_birth
    return patient


def clinical_facts(patient: Patient) -> PatientFacts:
    """What the clinical checks know about the patient. Constant queries: two, or none when the record
    came from patients.selectors.patients_with_details or patients_with_clinical_details (the ingredients
    prefetched, or their names read with the record)."""
    return PatientFacts(
        date_of_birth=patient.date_of_birth,
        sex=patient.sex,
        pregnant=patient.pregnant,
        pregnancy_weeks=patient.pregnancy_weeks,
        breastfeeding=patient.breastfeeding,
        conditions=frozenset(patient.conditions),
        allergy_classes=frozenset(patient.allergy_classes),
        allergy_ingredients=frozenset(name.lower() for name in _ingredient_names(patient, "allergy_ingredients")),
        other_medicines=frozenset(name.lower() for name in _ingredient_names(patient, "other_medicines")),
        other_medicines_text=patient.other_medicines_text,
    )


def _ingredient_names(patient: Patient, relation: str) -> list[str]:
    """The names patients_with_clinical_details read with the record, else those of the related rows."""
    names = getattr(patient, {"allergy_ingredients": "allergy_ingredient_names",
                              "other_medicines": "other_medicine_names"}[relation], None)
    if names is not None:
        return names
    return [ingredient.name for ingredient in getattr(patient, relation).all()]
