"""Who an order is for, as one value: checkout takes it, the order records it, and the clinical checks and
the pharmacist's review read it back from the order. The health record (patients.models.Patient) is the
stored side; `record_id` names it when there is one."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PatientDetails:
    """The account holder (the default), or someone they care for (a child, a parent), by name and date
    of birth or by one of the account's health records."""

    name: str = ""
    date_of_birth: date | None = None
    is_account_holder: bool = True
    record_id: int | None = None  # a health record of the account; its name and date of birth prevail

    @classmethod
    def of_order(cls, order) -> "PatientDetails":
        """The patient as the order recorded them at placement."""
        return cls(
            name=order.patient_name,
            date_of_birth=order.patient_date_of_birth,
            is_account_holder=order.patient_is_account_holder,
            record_id=order.patient_record_id,
        )
