from pharmacy.exceptions import DomainError


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    default_message = "Quantity must be a whole number of at least 1."


class InvalidPrice(DomainError):
    code = "invalid_price"
    default_message = "Enter a price of 0 or more with at most two decimal places."


class PackUnavailable(DomainError):
    code = "pack_unavailable"
    default_message = "This item is not available to buy."


class OutOfStock(DomainError):
    code = "out_of_stock"
    http_status = 409
    default_message = "There is not enough stock of this item."


class QuantityLimitExceeded(DomainError):
    code = "quantity_limit_exceeded"
    default_message = "This item has a limit on how many packs one order may hold."


class ControlledDrugNotSoldOnline(DomainError):
    code = "controlled_drug_not_sold_online"
    default_message = "This controlled drug is not sold online."


class LeafletMissing(DomainError):
    code = "leaflet_missing"
    default_message = "This medicine has no published patient information leaflet, so it cannot be sold yet."


class LeafletRevisionPublished(DomainError):
    code = "leaflet_revision_published"
    default_message = "A published leaflet revision never changes; draft a new revision instead."


class LeafletIncomplete(DomainError):
    code = "leaflet_incomplete"
    default_message = "A leaflet needs all six standard sections before it can be published."


class BatchesUnavailable(DomainError):
    code = "batches_unavailable"
    http_status = 409  # stock on the shelf, not the request
    default_message = "There are not enough units in usable batches (in date, not recalled) to dispatch this."


class UnknownBatch(DomainError):
    code = "unknown_batch"
    default_message = "No such batch of this pack."


class InvalidBatch(DomainError):
    code = "invalid_batch"
    default_message = "A batch needs a batch number and an expiry date."


class AllocationMismatch(DomainError):
    code = "allocation_mismatch"
    http_status = 409
    default_message = "The pack's allocated units do not cover this order; count the stock and try again."


class ReclassificationNotAllowed(DomainError):
    code = "reclassification_not_allowed"
    http_status = 403
    default_message = "You may not change a product's legal category or controlled-drug schedule."


class InvalidReclassification(DomainError):
    code = "invalid_reclassification"
    default_message = "This reclassification is incomplete or not allowed by law."


class ClinicalCoverageUnacknowledged(DomainError):
    code = "clinical_coverage_unacknowledged"
    default_message = ("No clinical rule covers this medicine fully: a superintendent pharmacist must acknowledge "
                       "the gaps before it is published as a pharmacy or prescription-only medicine.")


class CoverageAcknowledgementNotAllowed(DomainError):
    code = "coverage_acknowledgement_not_allowed"
    default_message = "Only a superintendent pharmacist may acknowledge a medicine's clinical coverage gaps."
