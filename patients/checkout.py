"""Which health record an order is for. Checkout names a record (`record_id`), or, as before records
existed, the account holder or a person by name and date of birth: then the matching record is used, or
made on demand, so every new order links to the record its clinical checks read."""

from datetime import date

from .exceptions import InvalidHealthRecord
from .models import Patient
from .services import account_holder_record


def owned_record(*, user, record_id: int) -> Patient:
    record = Patient.objects.filter(owner=user, pk=record_id).first()
    if record is None:
        # Not "someone else's": that would confirm the id exists.
        raise InvalidHealthRecord("We could not find that health record in your account.", field="patient_record")
    return record


def record_for_order(*, user, record_id: int | None, name: str, date_of_birth: date | None,
                     is_account_holder: bool) -> Patient:
    """The record the order links to. A date of birth given at checkout is the shopper's latest word:
    it fills in (or corrects) the record's."""
    if record_id is not None:
        record = owned_record(user=user, record_id=record_id)
    elif is_account_holder:
        record = account_holder_record(user=user)
    else:
        record = _record_by_name(user=user, name=name, date_of_birth=date_of_birth)
    if date_of_birth is not None and record.date_of_birth != date_of_birth:
        Patient.objects.filter(pk=record.pk).update(date_of_birth=date_of_birth)
        record.date_of_birth = date_of_birth
    return record


def _record_by_name(*, user, name: str, date_of_birth: date | None) -> Patient:
    candidates = list(Patient.objects.filter(owner=user, is_account_holder=False, name__iexact=name).order_by("pk"))
    for wanted in (date_of_birth, None):
        match = next((record for record in candidates if record.date_of_birth == wanted), None)
        if match is not None:
            return match
    return Patient.objects.create(owner=user, is_account_holder=False, name=name, date_of_birth=date_of_birth)
