from orders.exceptions import NotAllowed
from pharmacy.exceptions import DomainError


class PharmacistNotRegistered(NotAllowed):
    code = "pharmacist_not_registered"
    default_message = "Only a pharmacist with a professional registration number on their profile can do this."


class OwnOrderApproval(NotAllowed):
    code = "own_order_approval"
    default_message = "A pharmacist cannot approve an order they placed themselves."


class NoResponsiblePharmacist(DomainError):
    code = "no_responsible_pharmacist"
    http_status = 409  # the shop's state, not the request
    default_message = "No responsible pharmacist is signed in."


class ResponsiblePharmacistConflict(DomainError):
    code = "responsible_pharmacist_conflict"
    http_status = 409
    default_message = "Another pharmacist is signed in as the responsible pharmacist."


class OriginalPrescriptionAwaited(DomainError):
    code = "original_prescription_awaited"
    http_status = 409
    default_message = "The original prescription has not been received and checked."


class ReleaseRefused(DomainError):
    """The release gate refused a supply: `blockers` lists every condition still unmet, by code."""

    code = "release_refused"
    http_status = 409  # the order's state, not the request
    default_message = "The order cannot be dispatched yet."

    def __init__(self, message: str | None = None, *, blockers: list[dict] | None = None, **extra) -> None:
        super().__init__(message, blockers=blockers or [], **extra)

    @property
    def every_error(self) -> list[DomainError]:
        """One problem entry per unmet condition, under its own code (pharmacy.api renders these)."""
        errors = []
        for blocker in self.extra["blockers"]:
            error = DomainError(blocker["message"])
            error.code = blocker["code"]
            errors.append(error)
        return errors or [self]
