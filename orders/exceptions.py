from pharmacy.exceptions import DomainError


class CartEmpty(DomainError):
    code = "cart_empty"
    default_message = "Your cart is empty."


class PrescriptionRequired(DomainError):
    code = "prescription_required"
    default_message = "A prescription is needed for a prescription-only medicine."


class PrescriptionNotUsable(DomainError):
    code = "prescription_not_usable"
    default_message = "This prescription cannot be used."


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
    default_message = "The file is too large."


class PrescriptionFileType(DomainError):
    code = "unsupported_file_type"
    default_message = "Upload a PDF, JPEG or PNG file."


class NotAllowed(DomainError):
    code = "not_allowed"
    default_message = "You are not allowed to do that."


class NotAPharmacist(NotAllowed):
    code = "not_a_pharmacist"
    default_message = "Only a pharmacist can review prescriptions."


class InvalidOrderTransition(DomainError):
    code = "invalid_order_transition"
    default_message = "The order cannot move to that status now."


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = "This idempotency key was already used for a different checkout."


class InvalidCheckoutDetails(DomainError):
    code = "invalid_checkout_details"
    default_message = "The shipping or contact details are incomplete."


class EmailDeliveryFailed(Exception):
    """One attempt to send an outbox message failed; re-dispatch tries again when due.
    Not a DomainError: no client sees it."""
