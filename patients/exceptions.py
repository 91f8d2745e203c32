from pharmacy.exceptions import DomainError


class InvalidHealthRecord(DomainError):
    code = "invalid_health_record"
    default_message = "The health record is incomplete or inconsistent."


class HealthRecordInUse(DomainError):
    code = "health_record_in_use"
    default_message = "This health record cannot be removed."
