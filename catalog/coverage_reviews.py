"""Medicines the clinical rules do not fully cover: the catalog import records them, a superintendent
acknowledges them (audited), and until then none is published as a pharmacy or prescription-only medicine.

What "covered" means is clinical.coverage's, registered here at ready(): an interaction or duplication rule, a
maximum-dose rule for every ingredient, and a known ATC code.
"""

from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .exceptions import ClinicalCoverageUnacknowledged, CoverageAcknowledgementNotAllowed
from .models import ClinicalCoverageReview, LegalCategory, Product

GATED_CATEGORIES = (LegalCategory.PHARMACY, LegalCategory.PRESCRIPTION)

# The judge of coverage is the clinical app's (its rule table); catalog sits below clinical and never imports
# it, so clinical registers its judge here at ready().
CoverageJudge = Callable[[Iterable[tuple[str, str, str, Sequence[str]]]], dict[str, list[str]]]
_coverage_judge: CoverageJudge | None = None


def register_coverage_judge(judge: CoverageJudge) -> None:
    global _coverage_judge
    _coverage_judge = judge


def coverage_gaps(medicines: Iterable[tuple[str, str, str, Sequence[str]]]) -> dict[str, list[str]]:
    """{name: gaps} for (name, atc_code, legal_category, ingredient names) without full clinical coverage,
    as the registered judge (clinical.coverage.coverage_gaps) finds them."""
    if _coverage_judge is None:
        raise ImproperlyConfigured("No clinical coverage judge is registered (clinical registers it at ready()).")
    return _coverage_judge(medicines)


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
