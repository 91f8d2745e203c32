"""What the shopper is told when a pharmacist refuses: a fixed, plain reason chosen from a list, never the
pharmacist's own words. The pharmacist's note (and any free text typed by staff) stays on the staff side:
it can hold clinical detail, or words meant for a colleague, that the shopper's page and e-mails must not carry.
"""

from django.db import models

from .exceptions import InvalidRefusalReason


class RefusalReason(models.TextChoices):
    SPEAK_TO_PRESCRIBER = "speak_to_prescriber", "We need to speak to your prescriber before we can supply this."
    NOT_SUITABLE = "not_suitable", "This medicine is not suitable for you; please see your GP."
    SEE_GP = "see_gp", "Please see your GP or another prescriber about this; we cannot supply it online."
    PRESCRIPTION_UNREADABLE = ("prescription_unreadable",
                               "We could not read your prescription; please send a clearer copy.")
    PRESCRIPTION_NOT_VALID = ("prescription_not_valid",
                              "Your prescription is not valid for this order; please ask your prescriber for another.")
    QUANTITY_TOO_LARGE = "quantity_too_large", "We cannot supply this quantity online."
    CONTACT_US = "contact_us", "We could not supply this; please contact us for details."


def check_refusal_reason(code: str) -> RefusalReason:
    """The chosen reason, or a refusal: the shopper is told one of the listed reasons, nothing else."""
    if code not in RefusalReason.values:
        raise InvalidRefusalReason(field="reason")
    return RefusalReason(code)


def staff_note(note: str, reason: RefusalReason) -> str:
    """What the staff record keeps: the pharmacist's note, or the chosen reason when there is none."""
    return (note or "").strip() or reason.label


def shopper_reason(code: str) -> str:
    """The plain text for a refusal code. A row without one (from before the list, or a line marked not
    supplied by other means) gets "contact us"."""
    return RefusalReason(code).label if code in RefusalReason.values else RefusalReason.CONTACT_US.label


# What the shopper reads for a status change made by staff: fixed per move (keyed by the status it moved
# to; the models import this module, so plain values), never the text staff typed.
_STAFF_MOVE_TEXT = {
    "approved": "Approved by our pharmacist.",
    "rejected": "Our pharmacist could not supply this order; the reason is shown against each item.",
    "awaiting_review": "Our pharmacist needs to review your order again.",
    "cancelled": "Cancelled by the pharmacy team.",
    "dispatched": "Dispatched.",
    "delivered": "Delivered.",
}


def shopper_event_reason(event, *, order_user_id: int | None) -> str:
    """The "why" of a status change as the shopper reads it. The shopper's own words and the system's
    (fixed texts written in code) are shown as they are; a staff member's are replaced by a fixed text."""
    if event.actor_id is None or event.actor_id == order_user_id:
        return event.reason
    if event.from_status == event.to_status == "awaiting_review":
        return "Our pharmacist needs more time to review your order."
    return _STAFF_MOVE_TEXT.get(event.to_status, "")
