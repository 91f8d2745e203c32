from pharmacy.exceptions import DomainError


class CartEmpty(DomainError):
    code = "cart_empty"
    default_message = "Your cart is empty."


class NotAllowed(DomainError):
    code = "not_allowed"
    http_status = 403
    default_message = "You are not allowed to do that."


class NotAPharmacist(NotAllowed):
    code = "not_a_pharmacist"
    default_message = "Only a pharmacist can review prescriptions."


class InvalidOrderTransition(DomainError):
    code = "invalid_order_transition"
    http_status = 409
    default_message = "The order cannot move to that status now."


class LineDecisionNotAllowed(DomainError):
    code = "line_decision_not_allowed"
    default_message = "This item cannot be decided on now."


class ConsultationIncomplete(DomainError):
    code = "consultation_incomplete"
    default_message = "Answer the pharmacist's questions for every pharmacy medicine."


class PatientDetailsRequired(DomainError):
    code = "patient_details_required"
    default_message = "Tell us who the medicines are for: their name and date of birth."


class PatientTooYoung(DomainError):
    code = "patient_too_young"
    default_message = "This medicine is not sold for someone of the patient's age."


class InvalidReviewDeadline(DomainError):
    code = "invalid_review_deadline"
    default_message = "The new deadline must be later than the current one."


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = "This idempotency key was already used for a different checkout."


class InvalidCheckoutDetails(DomainError):
    code = "invalid_checkout_details"
    default_message = "The shipping or contact details are incomplete."


class InvalidRefusalReason(DomainError):
    code = "invalid_refusal_reason"
    default_message = "Choose the reason the shopper is told from the list."
