"""The demo catalog, read from its data files: demo/catalog.yaml (categories, products and packs,
consultations) and one Markdown leaflet per product, demo/leaflets/<product slug>.md.

Data only; `python manage.py load_demo_catalog` writes it (demo/catalog_loader.py). A leaflet file is the
six sections in order, each headed `## <heading> {#<section key>}` (catalog.models.LeafletSectionKey); the
section's stored text is what follows, up to the next heading: paragraphs separated by blank lines, a line
starting with "- " a list item. Text stays in Latin-1 (no en dashes or curly quotes) because the PDF renderer
uses the core PDF fonts.
"""

import re
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from catalog.models import LeafletSectionKey, Route
from catalog.services import SectionText

DEMO_DIR = Path(__file__).resolve().parent
CATALOG_FILE = DEMO_DIR / "catalog.yaml"
LEAFLETS_DIR = DEMO_DIR / "leaflets"


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    description: str


@dataclass(frozen=True)
class DemoStrength:
    """One active ingredient of a pack: `baclofen 10 mg`, or `baclofen 5 mg per 5 mL`."""

    ingredient: str
    amount: Decimal
    unit: str = "mg"
    per_amount: Decimal | None = None
    per_unit: str = ""


@dataclass(frozen=True)
class DemoPack:
    sku: str
    gtin: str
    pack_size: int
    price: Decimal
    stock: int  # only when the pack is first created; orders and stock takes change it afterwards
    strengths: tuple[DemoStrength, ...]
    pack_unit: str = "tablets"
    max_per_order: int | None = None

    def batches(self) -> tuple[tuple[str, int, int], ...]:
        """(batch number, days until expiry, units): packs with 40 or more units come in two batches, a
        third of them expiring in about four months and the rest in about twenty, so dispatch shows
        first-expiry-first-out. Expiry is relative to the day the demo is loaded."""
        lot = f"{zlib.crc32(self.sku.encode()) % 90000 + 10000}"
        if self.stock < 40:
            return ((f"{lot}A", 540, self.stock),)
        first = self.stock // 3
        return ((f"{lot}A", 120, first), (f"{lot}B", 600, self.stock - first))


@dataclass(frozen=True)
class DemoProduct:
    name: str
    slug: str
    description: str
    legal_category: str
    dosage_form: str
    atc_code: str
    categories: tuple[str, ...]  # category slugs
    packs: tuple[DemoPack, ...]
    leaflet: tuple[SectionText, ...]
    controlled_drug_schedule: int | None = None
    route: str = Route.ORAL
    minimum_age: int | None = None
    also_known_as: tuple[str, ...] = ()  # UK and US brand names and other names (INN/USAN), for search
    indications: str = ""  # what it is used for, as shoppers say it; searched for GSL and P medicines only


@dataclass(frozen=True)
class DemoQuestion:
    text: str
    answer_type: str = "yes_no"  # catalog.models.AnswerType
    choices: tuple[str, ...] = ()
    required: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class DemoQuestionnaire:
    name: str
    products: tuple[str, ...]  # product slugs
    questions: tuple[DemoQuestion, ...]
    categories: tuple[str, ...] = ()  # category slugs


_SECTION_HEADING = re.compile(r"^## (?P<heading>.+) \{#(?P<key>\w+)\}$")


def read_leaflet(path: Path) -> tuple[SectionText, ...]:
    """The sections of one Markdown leaflet, in file order."""
    sections: list[tuple[str, str, list[str]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        heading = _SECTION_HEADING.match(line)
        if heading:
            sections.append((heading["key"], heading["heading"], []))
        elif sections:
            sections[-1][2].append(line)
        elif line.strip():
            raise ValueError(f"{path}:{number}: text before the first '## <heading> {{#<key>}}' line")
    keys = [key for key, _, _ in sections]
    if keys != [key.value for key in LeafletSectionKey]:
        raise ValueError(f"{path}: sections {keys}, expected {[key.value for key in LeafletSectionKey]}")
    return tuple(SectionText(key, heading, "\n".join(lines).strip()) for key, heading, lines in sections)


def _strength(data: dict) -> DemoStrength:
    per_amount = data.pop("per_amount", None)
    return DemoStrength(amount=Decimal(data.pop("amount")),
                        per_amount=None if per_amount is None else Decimal(per_amount), **data)


def _pack(data: dict) -> DemoPack:
    strengths = tuple(_strength(strength) for strength in data.pop("strengths"))
    return DemoPack(price=Decimal(data.pop("price")), strengths=strengths, **data)


def _product(data: dict) -> DemoProduct:
    packs = tuple(_pack(pack) for pack in data.pop("packs"))
    return DemoProduct(
        categories=tuple(data.pop("categories")), also_known_as=tuple(data.pop("also_known_as", ())),
        packs=packs, leaflet=read_leaflet(LEAFLETS_DIR / f"{data['slug']}.md"), **data,
    )


def _questionnaire(data: dict) -> DemoQuestionnaire:
    questions = tuple(
        DemoQuestion(choices=tuple(question.pop("choices", ())), **question) for question in data.pop("questions")
    )
    return DemoQuestionnaire(products=tuple(data.pop("products")), categories=tuple(data.pop("categories", ())),
                             questions=questions, **data)


def _read_catalog() -> dict:
    with CATALOG_FILE.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


_catalog = _read_catalog()
CURRENCY: str = _catalog["currency"]  # the products' prices are in this currency
LEAFLETS_REVISED_ON: date = _catalog["leaflets_revised_on"]
CATEGORIES = tuple(DemoCategory(**category) for category in _catalog["categories"])
PRODUCTS = tuple(_product(product) for product in _catalog["products"])
CONSULTATIONS = tuple(_questionnaire(questionnaire) for questionnaire in _catalog["consultations"])
del _catalog
