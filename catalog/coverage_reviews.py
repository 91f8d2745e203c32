"""Medicines the clinical rules do not fully cover: the catalog import records them, a superintendent
acknowledges them (audited), and until then none is published as a pharmacy or prescription-only medicine.

What "covered" means is clinical.coverage's: an interaction or duplication rule, a maximum-dose rule for every
ingredient, and a known ATC code.
"""

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from .exceptions import ClinicalCoverageUnacknowledged, CoverageAcknowledgementNotAllowed
from .models import ClinicalCoverageReview, LegalCategory, Product

GATED_CATEGORIES = (LegalCategory.PHARMACY, LegalCategory.PRESCRIPTION)


def coverage_gaps(medicines: Iterable[tuple[str, str, str, Sequence[str]]]) -> dict[str, list[str]]:
    """{name: gaps} for (name, atc_code, legal_category, ingredient names) without full clinical coverage.
    Medicines with the same ATC code and ingredients are judged once (a large import repeats them)."""
    from clinical.checks import ActiveIngredient, Medicine  # the clinical app reads catalog, not the reverse
    from clinical.coverage import coverage_of

    judged: dict[tuple, list[str]] = {}
    found = {}
    for name, atc_code, legal_category, ingredients in medicines:
        key = (atc_code, tuple(sorted(ingredients)))
        if key not in judged:
            medicine = Medicine(name=name, atc_code=atc_code, legal_category=legal_category,
                                ingredients=tuple(ActiveIngredient(item.lower()) for item in key[1]))
            judged[key] = coverage_of(medicine).gaps
        if judged[key]:
            found[name] = judged[key]
    return found


def record_uncovered(*, gaps_by_product_id: dict[int, list[str]]) -> int:
    """Record each newly imported medicine without full coverage (one that has a review already keeps it)."""
    reviews = [ClinicalCoverageReview(product_id=pk, gaps="; ".join(gaps)) for pk, gaps in gaps_by_product_id.items()]
    if not reviews:
        return 0
    return len(ClinicalCoverageReview.objects.bulk_create(reviews, batch_size=1000, ignore_conflicts=True))


@transaction.atomic
def acknowledge_coverage_gaps(*, reviews: Iterable[ClinicalCoverageReview], actor) -> int:
    """A superintendent pharmacist accepts selling these medicines with the rules as they are; recorded
    with who and when. Already acknowledged reviews keep their first acknowledgement."""
    from .reclassification import may_reclassify  # it imports catalog.services, which imports this module

    if not may_reclassify(actor):
        raise CoverageAcknowledgementNotAllowed()
    ids = [review.pk for review in reviews]
    return ClinicalCoverageReview.objects.filter(pk__in=ids, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )


def check_publishable(product: Product) -> None:
    """Refuse to publish a pharmacy or prescription-only medicine with unacknowledged coverage gaps."""
    if product.legal_category not in GATED_CATEGORIES:
        return
    review = ClinicalCoverageReview.objects.filter(product=product, acknowledged_at__isnull=True).first()
    if review is not None:
        raise ClinicalCoverageUnacknowledged(
            f"{product.name}: {review.gaps}. A superintendent pharmacist must acknowledge this (admin, "
            "Clinical coverage reviews) before it is published as a pharmacy or prescription-only medicine."
        )
