"""On PostgreSQL the database itself refuses to change a published leaflet, whatever path is tried."""

import pytest
from django.db import IntegrityError, transaction

from catalog.models import LeafletRevision, LeafletSection
from catalog.services import create_leaflet_draft, publish_leaflet_revision
from tests.factories import ProductFactory, leaflet_sections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def published():
    product = ProductFactory()
    return LeafletRevision.objects.published().get(product=product)


@pytest.mark.parametrize("change", [
    lambda revision: LeafletSection.objects.filter(revision=revision).update(body="Edited behind the model's back"),
    lambda revision: LeafletSection.objects.filter(revision=revision).delete(),
    lambda revision: LeafletSection.objects.bulk_create(
        [LeafletSection(revision=revision, key="storage", heading="Extra", body="Extra", position=9)]
    ),
    lambda revision: LeafletRevision.objects.filter(pk=revision.pk).update(revised_on="2020-01-01"),
    lambda revision: LeafletRevision.objects.filter(pk=revision.pk).update(published_at=None),
])
def test_database_refuses_any_change_to_a_published_revision(published, change):
    bodies = list(published.sections.order_by("position").values_list("body", flat=True))
    with pytest.raises(IntegrityError), transaction.atomic():
        change(published)
    published.refresh_from_db()
    assert published.is_published
    assert list(published.sections.order_by("position").values_list("body", flat=True)) == bodies


def test_drafts_stay_editable_and_publishable(published):
    draft = create_leaflet_draft(product=published.product, revised_on=published.revised_on,
                                 sections=leaflet_sections("Draft"))
    assert LeafletSection.objects.filter(revision=draft).update(body="Edited draft") == 6
    publish_leaflet_revision(revision=draft)
    draft.refresh_from_db()
    assert draft.is_published
