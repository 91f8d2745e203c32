"""Legal category and controlled-drug schedule change only here, and every change leaves a record.

Needs the `catalog.reclassify_product` permission (the Superintendent pharmacists group has it; the
Pharmacists group does not). Orders already placed keep their own line snapshots, so a change never
alters how an earlier order is judged.
"""

from dataclasses import dataclass

from django.db import transaction

from .cache import bump_catalog_version
from .exceptions import InvalidReclassification, ReclassificationNotAllowed
from .locks import product_for_update
from .models import ControlledDrugSchedule, LegalCategory, Product, ProductReclassification
from .services import refresh_search_documents

RECLASSIFY_PERMISSION = "catalog.reclassify_product"


def may_reclassify(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(RECLASSIFY_PERMISSION))


def _validate(*, legal_category: str, schedule: int | None, reason: str) -> None:
    if legal_category not in LegalCategory.values:
        raise InvalidReclassification(f"{legal_category!r} is not a legal category.", field="legal_category")
    if schedule is not None and schedule not in ControlledDrugSchedule.values:
        raise InvalidReclassification(f"{schedule!r} is not a controlled-drug schedule.",
                                      field="controlled_drug_schedule")
    if schedule is not None and schedule != 5 and legal_category != LegalCategory.PRESCRIPTION:
        raise InvalidReclassification("Controlled drugs in Schedules 1 to 4 are prescription-only by law.",
                                      field="controlled_drug_schedule")
    if not (reason or "").strip():
        raise InvalidReclassification("Give the reason for the reclassification; it is kept in the audit trail.",
                                      field="reason")


@transaction.atomic
def reclassify_product(
    *, product: Product, legal_category: str, schedule: int | None, actor, reason: str, source: str = "admin"
) -> ProductReclassification | None:
    """Change a product's legal category and schedule, recording who, when, why, old and new values.
    Returns None (and writes nothing) when nothing changes."""
    if not may_reclassify(actor):
        raise ReclassificationNotAllowed(
            "Only a superintendent pharmacist (permission catalog.reclassify_product) may change a product's "
            "legal category or controlled-drug schedule."
        )
    _validate(legal_category=legal_category, schedule=schedule, reason=reason)
    product = product_for_update(product_id=product.pk)
    return _apply(product=product, legal_category=legal_category, schedule=schedule, actor=actor,
                  reason=reason.strip(), source=source)


def _apply(*, product: Product, legal_category: str, schedule: int | None, actor, reason: str,
           source: str) -> ProductReclassification | None:
    old_category, old_schedule = product.legal_category, product.controlled_drug_schedule
    if (old_category, old_schedule) == (legal_category, schedule):
        return None
    product.legal_category = legal_category
    product.controlled_drug_schedule = schedule
    product.save(update_fields=["legal_category", "controlled_drug_schedule", "updated_at"])
    # In the same transaction: a medicine now prescription-only loses its "used for" text from search at
    # once (advertising a POM by symptom is unlawful). It also bumps the catalog version, since the legal
    # category decides what the product page lets a shopper buy.
    refresh_search_documents(product_ids=[product.pk])
    return ProductReclassification.objects.create(
        product=product, actor=actor, source=source, reason=reason,
        old_legal_category=old_category, new_legal_category=legal_category,
        old_controlled_drug_schedule=old_schedule, new_controlled_drug_schedule=schedule,
    )


@dataclass(frozen=True)
class ImportedReclassification:
    product_id: int
    old: tuple[str, int | None]
    new: tuple[str, int | None]


def record_imported_reclassifications(*, changes: list[ImportedReclassification], reason: str) -> int:
    """The catalog import has written the new values (in its own transaction); record each change in the
    same trail. Called only when the import was told `--allow-reclassification` with a reason."""
    bump_catalog_version()
    ProductReclassification.objects.bulk_create(
        ProductReclassification(
            product_id=change.product_id, actor=None, source="import", reason=reason,
            old_legal_category=change.old[0], old_controlled_drug_schedule=change.old[1],
            new_legal_category=change.new[0], new_controlled_drug_schedule=change.new[1],
        )
        for change in changes
    )
    return len(changes)
