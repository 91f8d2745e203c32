"""One patient per prescription: the pharmacist records the patient the prescription names when approving
it, and every order against it (the first, repeats, "order again") must be for that patient."""

from datetime import date

from orders.models import Order

from ..exceptions import InvalidDispensingRecord, PrescriptionForAnotherPatient
from ..models import Prescription


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _described(name: str, date_of_birth: date | None) -> str:
    return f"{name} (born {date_of_birth:%d %B %Y})" if date_of_birth else name


def check_named_patient_is_the_orders(*, patient_name: str, patient_date_of_birth: date | None, order: Order) -> None:
    """At approval: the patient the pharmacist read on the prescription is the one the order is for."""
    if _same_name(patient_name, order.patient_name) and patient_date_of_birth == order.patient_date_of_birth:
        return
    field = "patient_name" if not _same_name(patient_name, order.patient_name) else "patient_date_of_birth"
    raise InvalidDispensingRecord(
        f"The prescription names {_described(patient_name, patient_date_of_birth)}, but order {order.number} is "
        f"for {_described(order.patient_name, order.patient_date_of_birth)}. Check the prescription; if it is "
        "for someone else, reject the order.", field=field,
    )


def check_order_is_for_prescription_patient(*, prescription: Prescription, patient_name: str,
                                            patient_date_of_birth: date | None, record_id: int | None,
                                            field: str = "prescription") -> None:
    """An order drawing on an approved prescription is for the patient recorded on it: the same health
    record when both have one, else the same name and date of birth. A prescription approved before its
    patient was recorded is not checked."""
    if not prescription.patient_name and prescription.patient_record_id is None:
        return
    if prescription.patient_record_id is not None and record_id is not None:
        same = prescription.patient_record_id == record_id
    else:
        same = (_same_name(prescription.patient_name, patient_name)
                and prescription.patient_date_of_birth == patient_date_of_birth)
    if not same:
        raise PrescriptionForAnotherPatient(
            f"This prescription is for {_described(prescription.patient_name, prescription.patient_date_of_birth)}"
            f", not {_described(patient_name, patient_date_of_birth)}. Choose that patient, or another "
            "prescription.", field=field, prescription_id=prescription.pk,
        )


def check_order_against_prescription(*, prescription: Prescription, order: Order) -> None:
    """At approval of an order against an already approved prescription (a repeat): the same check as at
    checkout, for orders placed before it, with the order's own snapshot."""
    check_order_is_for_prescription_patient(
        prescription=prescription, patient_name=order.patient_name,
        patient_date_of_birth=order.patient_date_of_birth, record_id=order.patient_record_id,
    )
