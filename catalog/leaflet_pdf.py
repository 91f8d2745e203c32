"""The patient information leaflet as a PDF: one published revision in, bytes out.

Pure on purpose (no queries beyond the revision's prefetched sections and product, no writes), so the
storefront, the API and order e-mails can all attach the very revision a shopper received.
fpdf2's core fonts cover Latin-1 only, so text is mapped to it first: typographic punctuation to its
plain form, and anything else left to a visible "?" rather than an exception.
"""

from datetime import UTC, datetime, time

from fpdf import FPDF

from .models import LeafletRevision

_PLAIN_PUNCTUATION = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2026": "...", "\u2022": "-", "\u2264": "<=", "\u2265": ">=",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
})

FONT = "Helvetica"


def to_latin1(text: str) -> str:
    """What the PDF core fonts can draw: typographic punctuation made plain, other characters as '?'."""
    return text.translate(_PLAIN_PUNCTUATION).encode("latin-1", "replace").decode("latin-1")


class _LeafletDocument(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.cell(0, 10, f"{self._footer_text} - page {self.page_no()} of {{nb}}", align="C")


def render_leaflet_pdf(*, revision: LeafletRevision) -> bytes:
    product_name = to_latin1(revision.product.name)
    revised = revision.revised_on.strftime("%m/%Y")
    sections = sorted(revision.sections.all(), key=lambda section: (section.position, section.pk))

    pdf = _LeafletDocument(footer_text=f"{product_name}, leaflet revision {revision.number}")
    pdf.set_compression(False)  # a few kB more, and the text stays searchable (and testable) as written
    # Same revision, same bytes: the creation date comes from the revision, not the clock.
    pdf.set_creation_date(datetime.combine(revision.revised_on, time.min, tzinfo=UTC))
    pdf.set_title(f"{product_name} - Patient information leaflet")
    pdf.set_subject(f"Revision {revision.number}, last revised {revised}")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(left=20, top=20, right=20)
    pdf.add_page()

    pdf.set_font(FONT, style="B", size=18)
    pdf.multi_cell(0, 9, product_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(0, 7, "Patient information leaflet", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(
        0, 6, f"Revision {revision.number}. This leaflet was last revised in {revised}.",
        new_x="LMARGIN", new_y="NEXT",
    )
    pdf.ln(4)

    for section in sections:
        pdf.set_font(FONT, style="B", size=12)
        pdf.multi_cell(0, 7, to_latin1(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 5.5, to_latin1(section.body), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    pdf.set_font(FONT, style="I", size=9)
    pdf.multi_cell(0, 5, f"This leaflet was last revised in {revised}.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def leaflet_pdf_filename(revision: LeafletRevision) -> str:
    """'baclofen-tablets-leaflet-revision-2.pdf': says what it is once it sits in a downloads folder."""
    return f"{revision.product.slug}-leaflet-revision-{revision.number}.pdf"
