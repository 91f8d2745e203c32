"""Leaflet revisions: a new edition is a new revision; a published one never changes."""

import datetime

import pytest

from catalog.exceptions import LeafletIncomplete, LeafletRevisionPublished
from catalog.models import LeafletRevision, LeafletSection
from catalog.selectors import get_current_leaflet_revision
from catalog.services import (
    SectionText,
    create_leaflet_draft,
    publish_leaflet_revision,
    publish_new_leaflet_revision,
)
from tests.factories import ProductFactory, leaflet_sections

pytestmark = pytest.mark.django_db


def snapshot(revision: LeafletRevision) -> tuple[dict, list[dict]]:
    """Every stored field of the revision and of each of its sections, straight from the database."""
    row = LeafletRevision.objects.filter(pk=revision.pk).values().get()
    sections = list(LeafletSection.objects.filter(revision=revision).order_by("pk").values())
    return row, sections


@pytest.fixture
def product():
    return ProductFactory(name="Baclofen tablets", slug="baclofen-tablets")


@pytest.fixture
def first(product):
    return product.leaflet_revisions.get(number=1)


def test_publishing_an_edit_adds_a_revision_and_leaves_the_old_one_unchanged(product, first):
    before = snapshot(first)

    second = publish_new_leaflet_revision(product=product, revised_on=datetime.date(2026, 5, 1),
                                          sections=leaflet_sections(product.name, "Now with a new warning."))

    assert snapshot(first) == before
    assert (second.number, second.is_published) == (2, True)
    assert get_current_leaflet_revision(product=product) == second
    assert second.sections.get(key="what_it_is").body.endswith("Now with a new warning.")
    assert not first.sections.filter(body__contains="new warning").exists()


def test_a_draft_based_on_a_published_revision_copies_its_sections_and_leaves_it_unchanged(product, first):
    before = snapshot(first)

    draft = create_leaflet_draft(product=product, revised_on=datetime.date(2026, 5, 1), based_on=first)
    section = draft.sections.get(key="side_effects")
    section.body = "Edited in the draft."
    section.save()

    assert snapshot(first) == before
    copied = list(draft.sections.order_by("position").values_list("key", "heading", "position"))
    assert copied == list(first.sections.order_by("position").values_list("key", "heading", "position"))
    assert get_current_leaflet_revision(product=product) == first  # a draft is not what shoppers read


def test_saving_a_published_revision_raises_and_changes_nothing(first):
    before = snapshot(first)
    first.revised_on = datetime.date(2030, 1, 1)

    with pytest.raises(LeafletRevisionPublished):
        first.save()

    assert snapshot(first) == before


def test_deleting_a_published_revision_raises_and_deletes_nothing(first):
    before = snapshot(first)

    with pytest.raises(LeafletRevisionPublished):
        first.delete()

    assert snapshot(first) == before


def test_saving_a_section_of_a_published_revision_raises_and_changes_nothing(first):
    before = snapshot(first)
    section = first.sections.get(key="how_to_take")
    section.body = "Take as many as you like."

    with pytest.raises(LeafletRevisionPublished):
        section.save()

    assert snapshot(first) == before


def test_adding_a_section_to_a_published_revision_raises(first):
    # The model refuses before the database is asked (on PostgreSQL a trigger would refuse too).
    before = snapshot(first)

    with pytest.raises(LeafletRevisionPublished):
        LeafletSection(revision=first, key="storage", heading="5. Storage", body="Anywhere.").save()

    assert snapshot(first) == before


def test_deleting_a_section_of_a_published_revision_raises_and_deletes_nothing(first):
    before = snapshot(first)

    with pytest.raises(LeafletRevisionPublished):
        first.sections.get(key="contents").delete()

    assert snapshot(first) == before


def test_publish_refuses_a_leaflet_missing_sections_and_leaves_it_a_draft(product):
    sections = [s for s in leaflet_sections(product.name) if s.key not in {"storage", "contents"}]
    draft = create_leaflet_draft(product=product, revised_on=datetime.date(2026, 5, 1), sections=sections)

    with pytest.raises(LeafletIncomplete) as refused:
        publish_leaflet_revision(revision=draft)

    assert refused.value.message == (
        "The leaflet is missing: How to store it; Contents of the pack and other information."
    )
    draft.refresh_from_db()
    assert not draft.is_published


def test_publish_refuses_an_empty_section(product):
    sections = [SectionText(s.key, s.heading, "" if s.key == "side_effects" else s.body)
                for s in leaflet_sections(product.name)]
    draft = create_leaflet_draft(product=product, revised_on=datetime.date(2026, 5, 1), sections=sections)

    with pytest.raises(LeafletIncomplete) as refused:
        publish_leaflet_revision(revision=draft)

    assert refused.value.message == "These leaflet sections are empty: 4. Possible side effects."
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_twice_is_refused(first):
    before = snapshot(first)

    with pytest.raises(LeafletRevisionPublished):
        publish_leaflet_revision(revision=first)

    assert snapshot(first) == before


def test_a_draft_stays_editable_until_published(product):
    draft = create_leaflet_draft(product=product, revised_on=datetime.date(2026, 5, 1),
                                 sections=leaflet_sections(product.name))
    draft.revised_on = datetime.date(2026, 5, 2)
    draft.save()

    published = publish_leaflet_revision(revision=draft)

    assert (published.number, published.revised_on) == (2, datetime.date(2026, 5, 2))
    assert published.is_published
    with pytest.raises(LeafletRevisionPublished):
        draft.save()  # the in-memory copy from before publishing is refused too


