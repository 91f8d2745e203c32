"""Leaflet drafts and publication: a published revision never changes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..cache import bump_catalog_version
from ..coverage_reviews import check_publishable
from ..exceptions import LeafletIncomplete, LeafletRevisionPublished
from ..locks import leaflet_revision_for_update, product_for_update
from ..models import LeafletRevision, LeafletSection, LeafletSectionKey, Product


@dataclass(frozen=True)
class SectionText:
    key: str
    heading: str
    body: str


def _next_revision_number(product: Product) -> int:
    current = LeafletRevision.objects.filter(product=product).aggregate(number=Max("number"))["number"]
    return (current or 0) + 1


@transaction.atomic
def create_leaflet_draft(
    *,
    product: Product,
    revised_on: date,
    sections: Sequence[SectionText] = (),
    based_on: LeafletRevision | None = None,
    user=None,
) -> LeafletRevision:
    """A new, editable revision; `based_on` copies the sections of an earlier one to edit from."""
    product_for_update(product_id=product.pk)  # serialise numbering per product
    draft = LeafletRevision.objects.create(
        product=product, number=_next_revision_number(product), revised_on=revised_on, created_by=user
    )
    if based_on is not None and not sections:
        sections = [SectionText(s.key, s.heading, s.body) for s in based_on.sections.order_by("position")]
    _write_sections(draft, sections)
    return draft


def _write_sections(revision: LeafletRevision, sections: Sequence[SectionText]) -> None:
    order = {key: index for index, key in enumerate(LeafletSectionKey.values)}
    LeafletSection.objects.bulk_create(
        LeafletSection(revision=revision, key=s.key, heading=s.heading, body=s.body, position=order[s.key])
        for s in sections
    )


@transaction.atomic
def publish_leaflet_revision(*, revision: LeafletRevision) -> LeafletRevision:
    """Freeze a draft. From now on it is what shoppers read and what order lines point at."""
    revision = leaflet_revision_for_update(revision_id=revision.pk)
    if revision.is_published:
        raise LeafletRevisionPublished(f"Revision {revision.number} of {revision.product} is already published.")
    present = set(revision.sections.values_list("key", flat=True))
    missing = [label for key, label in LeafletSectionKey.choices if key not in present]
    if missing:
        raise LeafletIncomplete("The leaflet is missing: " + "; ".join(missing) + ".", missing=missing)
    empty = list(revision.sections.filter(body="").values_list("heading", flat=True))
    if empty:
        raise LeafletIncomplete("These leaflet sections are empty: " + "; ".join(empty) + ".")
    check_publishable(revision.product)
    LeafletRevision.objects.filter(pk=revision.pk).update(published_at=timezone.now())
    bump_catalog_version()
    revision.refresh_from_db()
    return revision


@transaction.atomic
def publish_new_leaflet_revision(
    *, product: Product, revised_on: date, sections: Sequence[SectionText], user=None
) -> LeafletRevision:
    draft = create_leaflet_draft(product=product, revised_on=revised_on, sections=sections, user=user)
    return publish_leaflet_revision(revision=draft)
