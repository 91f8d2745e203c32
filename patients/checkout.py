"""Which health record an order is for. Checkout names a record (`record_id`), or, as before records
existed, the account holder or a person by name and date of birth: then the matching record is used, or
made on demand, so every new order links to the record its clinical checks read."""

from datetime import date

from django.urls import reverse

from pharmacy.compiled_query import CompiledQuery

from .details import PatientDetails
from .exceptions import DateOfBirthDiffersFromRecord, InvalidHealthRecord
from .models import Patient
from .selectors import patients_with_clinical_details
from .services import account_holder_record, record_date_of_birth


def owned_record(*, user, record_id: int) -> Patient:
    record = Patient.objects.filter(owner=user, pk=record_id).first()
    if record is None:
        # Not "someone else's": that would confirm the id exists.
        raise InvalidHealthRecord("We could not find that health record in your account.", field="patient_record")
    return record


def checkout_record(*, user, patient: PatientDetails) -> Patient | None:
    """The record a checkout names (`record_id`) or the account holder's (made on demand), read once with
    the ingredients the clinical checks read, so that checkout's steps share it; None for someone named
    at checkout, whose record `record_for_order` matches or makes."""
    if patient.record_id is not None:
        record = next(iter(_COMPILED_NAMED_RECORD.run(owner_id=user.pk, record_id=patient.record_id)), None)
        if record is None:
            raise InvalidHealthRecord("We could not find that health record in your account.", field="patient_record")
        return record
    if patient.is_account_holder:
        return next(iter(_COMPILED_ACCOUNT_HOLDER_RECORD.run(owner_id=user.pk)), None) or account_holder_record(
            user=user)
    return None


# Every checkout reads one of these: their SQL (the record with its ingredients' names) is compiled once per
# process (pharmacy.compiled_query), found again by ids no row has.
_COMPILED_NAMED_RECORD = CompiledQuery(
    Patient, lambda *, owner_id, record_id: patients_with_clinical_details().filter(owner_id=owner_id, pk=record_id)
    .order_by("pk")[:1], owner_id=-4_242_451, record_id=-4_242_452,
)
_COMPILED_ACCOUNT_HOLDER_RECORD = CompiledQuery(
    Patient, lambda *, owner_id: patients_with_clinical_details().filter(owner_id=owner_id, is_account_holder=True)
    .order_by("pk")[:1], owner_id=-4_242_453,
)


def check_date_of_birth_matches(*, record: Patient, date_of_birth: date | None) -> None:
    """A chosen record speaks for its patient: a date of birth typed at checkout that differs from the
    record's is refused, never written over it. The record is corrected on its own page (or through the
    API), where the shopper sees every detail the pharmacist's checks read."""
    if date_of_birth is None or record.date_of_birth is None or record.date_of_birth == date_of_birth:
        return
    raise DateOfBirthDiffersFromRecord(
        f"{record.name}'s health record gives the date of birth {record.date_of_birth:%d %B %Y}, not "
        f"{date_of_birth:%d %B %Y}. Leave the date of birth empty to use the record's. If the record is wrong, "
        f"correct it under Health records ({reverse('patients:record-edit', args=[record.pk])}, or "
        f"PUT /api/v1/patients/{record.pk}/), then place the order.",
        field="patient_date_of_birth", record_id=record.pk,
    )


def record_for_order(*, user, patient: PatientDetails, record: Patient | None = None) -> Patient:
    """The record the order links to. A chosen record keeps its date of birth (a different one was
    refused by check_date_of_birth_matches); a date given at checkout fills in one it lacks. For the
    account holder, a date given at checkout is the shopper's latest word about themselves. `record` is
    the patient's record when the caller has read it (checkout_record), so it is not read again."""
    record_id, date_of_birth = patient.record_id, patient.date_of_birth
    if record is None and record_id is not None:
        record = owned_record(user=user, record_id=record_id)
    elif record is None and patient.is_account_holder:
        record = account_holder_record(user=user)
    elif record is None:
        record = _record_by_name(user=user, name=patient.name, date_of_birth=date_of_birth)
    if date_of_birth is None or record.date_of_birth == date_of_birth:
        return record
    if record.date_of_birth is not None and not record.is_account_holder:
        check_date_of_birth_matches(record=record, date_of_birth=date_of_birth)  # refuses
    return record_date_of_birth(patient=record, date_of_birth=date_of_birth)


def _record_by_name(*, user, name: str, date_of_birth: date | None) -> Patient:
    candidates = list(Patient.objects.filter(owner=user, is_account_holder=False, name__iexact=name).order_by("pk"))
    for wanted in (date_of_birth, None):
        match = next((record for record in candidates if record.date_of_birth == wanted), None)
        if match is not None:
            return match
    return Patient.objects.create(owner=user, is_account_holder=False, name=name, date_of_birth=date_of_birth)
