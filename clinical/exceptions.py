from pharmacy.exceptions import DomainError


class ClinicalCheckRefused(DomainError):
    """Checkout refused: an over-the-counter medicine that must not be sold to this patient, or an age the
    medicine is not for. The message carries the reason and sends the shopper to our pharmacist."""

    code = "clinical_check_refused"
    default_message = "This medicine is not suitable for the patient. Please talk to our pharmacist."


class ClinicalOverrideRequired(DomainError):
    """A pharmacist approving past a major or contraindicated alert must record why, and whether the
    prescriber was contacted."""

    code = "clinical_override_required"
    default_message = ("Give the reason for supplying despite the clinical alert, and whether you contacted "
                       "the prescriber.")
