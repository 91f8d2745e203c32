from pharmacy.exceptions import DomainError


class InvalidHealthRecord(DomainError):
    code = "invalid_health_record"
    default_message = "The health record is incomplete or inconsistent."


class HealthRecordInUse(DomainError):
    code = "health_record_in_use"
    default_message = "This health record cannot be removed."


class DateOfBirthDiffersFromRecord(DomainError):
    code = "date_of_birth_differs_from_record"
    default_message = "The date of birth differs from the chosen health record's; correct the record instead."
