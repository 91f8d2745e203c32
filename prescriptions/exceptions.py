from pharmacy.exceptions import DomainError


class PrescriptionRequired(DomainError):
    code = "prescription_required"
    default_message = "A prescription is needed for a prescription-only medicine."


class PrescriptionNotUsable(DomainError):
    code = "prescription_not_usable"
    default_message = "This prescription cannot be used."


class PrescriptionForAnotherPatient(PrescriptionNotUsable):
    code = "prescription_for_another_patient"
    default_message = "This prescription is for another patient."


class PrescriptionNotCovering(DomainError):
    code = "prescription_not_covering"
    default_message = "The prescription does not authorise what the order holds."


class PrescriptionExpired(DomainError):
    code = "prescription_expired"
    default_message = "The prescription has expired."


class InvalidDispensingRecord(DomainError):
    code = "invalid_dispensing_record"
    default_message = "The dispensing record is incomplete or inconsistent."


class PrescriptionFileTooLarge(DomainError):
    code = "file_too_large"
    http_status = 413
    default_message = "The file is too large."


class PrescriptionFileType(DomainError):
    code = "unsupported_file_type"
    http_status = 415
    default_message = "Upload a PDF, JPEG or PNG file."


class PrescriptionNotRepeatable(PrescriptionNotUsable):
    code = "prescription_not_repeatable"
    default_message = "This prescription cannot be dispensed again."


class RepeatTooEarly(DomainError):
    code = "repeat_too_early"
    default_message = "It is too soon to dispense this prescription again."


class RepeatsExhausted(DomainError):
    code = "repeats_exhausted"
    default_message = "Every issue this prescription authorises has been used."
