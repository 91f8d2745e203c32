"""The leaflet PDF: a pure function of a published revision."""

import datetime

import pytest

from catalog.leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf, to_latin1
from catalog.selectors import get_leaflet_revision
from catalog.services import SectionText, publish_new_leaflet_revision
from tests.factories import ProductFactory, leaflet_sections

pytestmark = pytest.mark.django_db


def published(product, sections=None, revised_on=datetime.date(2026, 3, 1)):
    revision = publish_new_leaflet_revision(product=product, revised_on=revised_on,
                                            sections=sections or leaflet_sections(product.name))
    return get_leaflet_revision(revision_id=revision.pk)  # sections prefetched, as callers are expected to do


def test_pdf_has_title_revision_date_and_the_six_sections_in_order():
    product = ProductFactory(name="Baclofen tablets", slug="baclofen-tablets")
    revision = published(product)

    pdf = render_leaflet_pdf(revision=revision)

    assert pdf.startswith(b"%PDF-")
    assert b"(Baclofen tablets) Tj" in pdf
    assert b"(Patient information leaflet) Tj" in pdf
    assert b"(Revision 2. This leaflet was last revised in 03/2026.) Tj" in pdf
    positions = [pdf.index(f"({section.heading}) Tj".encode()) for section in leaflet_sections(product.name)]
    assert len(positions) == 6 and positions == sorted(positions)
    assert b"(Baclofen tablets, leaflet revision 2 - page 1 of ) Tj" in pdf


def test_pdf_reads_no_database_when_the_sections_are_prefetched(django_assert_num_queries):
    revision = published(ProductFactory())

    with django_assert_num_queries(0):
        render_leaflet_pdf(revision=revision)


def test_pdf_is_the_same_bytes_every_time_for_the_same_revision():
    revision = published(ProductFactory())

    assert render_leaflet_pdf(revision=revision) == render_leaflet_pdf(revision=revision)


def test_long_leaflet_runs_onto_numbered_pages():
    product = ProductFactory(name="Longread tablets", slug="longread-tablets")
    sections = [SectionText(section.key, section.heading, "A line of advice.\n" * 120)
                for section in leaflet_sections(product.name)]

    pdf = render_leaflet_pdf(revision=published(product, sections))

    assert b"- page 5 of ) Tj" in pdf


def test_text_outside_latin_1_is_mapped_not_fatal():
    product = ProductFactory(name="Co\u2011codamol 8/500 tablets", slug="co-codamol-tablets")
    body = "Store below 25 \u00b0C \u2013 \u201cdry\u201d \u2264 30 \u6f22"
    sections = [SectionText(section.key, section.heading, body) for section in leaflet_sections(product.name)]

    pdf = render_leaflet_pdf(revision=published(product, sections))

    assert b"(Co-codamol 8/500 tablets) Tj" in pdf
    assert b'(Store below 25 \xb0C - "dry" <= 30 ?) Tj' in pdf


@pytest.mark.parametrize(
    ("text", "latin1"),
    [
        ("5\u201310 mg", "5-10 mg"),
        ("\u2018don\u2019t\u2019 \u201cstop\u201d", "'don't' \"stop\""),
        ("wait\u2026", "wait..."),
        ("25 \u00b0C, 5 \u00b5g, caf\u00e9", "25 \u00b0C, 5 \u00b5g, caf\u00e9"),
        ("\u0141\u00f3d\u017a \u2192 \U0001f48a", "?\u00f3d? ? ?"),
    ],
)
def test_to_latin1(text, latin1):
    assert to_latin1(text) == latin1


def test_pdf_file_name_says_product_and_revision():
    revision = published(ProductFactory(name="Baclofen tablets", slug="baclofen-tablets"))

    assert leaflet_pdf_filename(revision) == "baclofen-tablets-leaflet-revision-2.pdf"
