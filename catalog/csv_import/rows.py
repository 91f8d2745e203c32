"""One CSV row to typed product and pack values, checked with the models' own fields and validators.

Nothing here touches the database; rules that need other rows or the database are in checks.py.
"""

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify as django_slugify

from catalog.models import (
    Category,
    ControlledDrugSchedule,
    DosageForm,
    Ingredient,
    LegalCategory,
    Pack,
    Product,
    ProductSynonym,
    Route,
    StockBatch,
    Strength,
    StrengthUnit,
)

PRODUCT_COLUMNS = (
    "product_name", "product_slug", "legal_category", "controlled_drug_schedule", "dosage_form", "route",
    "atc_code", "categories",
)
PACK_COLUMNS = (
    "sku", "gtin", "pack_size", "pack_unit", "price", "currency", "stock", "max_per_order", "is_active",
    "ingredients", "batch_number", "expiry_date",
)
# Columns that files from before batches leave out: read as blank (the pack's only batch, or LEGACY).
BATCH_COLUMNS = frozenset({"batch_number", "expiry_date"})
# Columns that may be left out of the file altogether; then the products and packs keep what they have.
KEEP_WHEN_ABSENT_COLUMNS = ("also_known_as", "used_for", "pzn")
OPTIONAL_COLUMNS = BATCH_COLUMNS | frozenset(KEEP_WHEN_ABSENT_COLUMNS)
COLUMNS = PRODUCT_COLUMNS + PACK_COLUMNS + KEEP_WHEN_ABSENT_COLUMNS
REQUIRED_COLUMNS = frozenset(
    {"product_name", "legal_category", "dosage_form", "sku", "pack_size", "price", "ingredients"}
)

DEFAULT_PACK_UNITS = {
    DosageForm.TABLET: "tablets", DosageForm.CAPSULE: "capsules", DosageForm.ORAL_SOLUTION: "mL",
    DosageForm.CREAM: "g", DosageForm.INJECTION: "mL",
}
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
UNIT_ALIASES = {
    "mg": StrengthUnit.MILLIGRAM, "g": StrengthUnit.GRAM, "microgram": StrengthUnit.MICROGRAM,
    "micrograms": StrengthUnit.MICROGRAM, "mcg": StrengthUnit.MICROGRAM, "µg": StrengthUnit.MICROGRAM,
    "ml": StrengthUnit.MILLILITRE, "unit": StrengthUnit.UNIT, "units": StrengthUnit.UNIT,
}
STRENGTH_PATTERN = re.compile(
    r"^(?P<ingredient>\S.*?)\s+(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s/]+)"
    r"(?:\s*/\s*(?P<per_amount>\d+(?:\.\d+)?)?\s*(?P<per_unit>[^\d\s/]+))?$"
)
STRENGTH_FORMAT = 'write each as "<ingredient> <amount> <unit>": "baclofen 10 mg" or "baclofen 5 mg/5 mL"'

_field = {
    "product_name": Product._meta.get_field("name"),
    "product_slug": Product._meta.get_field("slug"),
    "atc_code": Product._meta.get_field("atc_code"),
    "sku": Pack._meta.get_field("sku"),
    "gtin": Pack._meta.get_field("gtin"),
    "pzn": Pack._meta.get_field("pzn"),
    "pack_size": Pack._meta.get_field("pack_size"),
    "pack_unit": Pack._meta.get_field("pack_unit"),
    "price": Pack._meta.get_field("price_amount"),
    "stock": StockBatch._meta.get_field("quantity_on_hand"),
    "batch_number": StockBatch._meta.get_field("batch_number"),
    "expiry_date": StockBatch._meta.get_field("expiry_date"),
    "max_per_order": Pack._meta.get_field("max_per_order"),
}
slugify = functools.lru_cache(maxsize=16384)(django_slugify)  # rows of one product repeat its names
_CHOICE_VALUES = {choices: tuple(choices.values) for choices in (LegalCategory, DosageForm, Route)}
_CATEGORY_NAME_MAX = Category._meta.get_field("name").max_length
_INGREDIENT_NAME_MAX = Ingredient._meta.get_field("name").max_length
_SYNONYM_NAME_MAX = ProductSynonym._meta.get_field("name").max_length
_STRENGTH_AMOUNT = Strength._meta.get_field("amount")


@dataclass(frozen=True, slots=True)
class ProductValues:
    name: str
    slug: str
    legal_category: str
    controlled_drug_schedule: int | None
    dosage_form: str
    route: str
    atc_code: str
    categories: tuple[str, ...]
    also_known_as: tuple[str, ...] | None = None  # None: the column is absent, keep the product's names
    used_for: str | None = None  # None: the column is absent, keep what the product has


@dataclass(frozen=True, slots=True)
class StrengthValues:
    ingredient: str
    amount: Decimal
    unit: str
    per_amount: Decimal | None
    per_unit: str


@dataclass(frozen=True, slots=True)
class PackValues:
    row: int
    product_slug: str
    sku: str
    gtin: str | None
    pack_size: int
    pack_unit: str
    price: Decimal
    currency: str
    stock: int | None  # units counted in the batch; None: keep the stock as it is
    batch_number: str  # "": old files; the count goes to the pack's only (or LEGACY) batch
    expiry_date: object  # datetime.date | None
    max_per_order: int | None
    is_active: bool
    strengths: tuple[StrengthValues, ...]
    has_pzn: bool = False  # the file has a pzn column: `pzn` (None when blank) replaces the pack's
    pzn: str | None = None


class _RowReader:
    """Reads one row's cells; each failed cell adds (column, reason) and yields None so reading goes on."""

    def __init__(self, cells: dict[str, str]):
        self.cells = cells
        self.problems: list[tuple[str, str]] = []

    def problem(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def model_value(self, column: str, *, required: bool = False, value: str | None = None):
        """Clean with the model field (type, max_length, validators); None when blank or invalid."""
        raw = self.cells[column] if value is None else value
        if not raw:
            if required:
                self.problem(column, "is required")
            return None
        value, reason = _clean(column, raw)
        if reason:
            self.problem(column, reason)
        return value

    def choice(self, column: str, choices: type, *, default: str | None = None) -> str | None:
        value = self.cells[column] or default
        allowed = _CHOICE_VALUES[choices]
        if value is None:
            self.problem(column, "is required; use one of " + ", ".join(allowed))
        elif value not in allowed:
            self.problem(column, "must be one of " + ", ".join(allowed))
            return None
        return value


# Catalog files repeat most cells (pack sizes, prices, units, product columns on every pack of a product),
# so cleaning is cached; the values are immutable and the field rules never change while running.
@functools.lru_cache(maxsize=16384)
def _clean(column: str, raw: str):
    """(value, None) when the model field accepts `raw`, else (None, reason)."""
    try:
        return _field[column].clean(raw, None), None
    except ValidationError as error:
        return None, " ".join(error.messages)


def read_row(row: int, cells: dict[str, str]) -> tuple[ProductValues, PackValues, list[tuple[str, str]]]:
    """Typed values of one row, and its problems as [(column, reason)]. A value is None where its cell has
    a problem, so callers can still use the good ones (e.g. to spot a SKU repeated on a later row)."""
    read = _RowReader(cells)
    product = _read_product(read)
    pack = _read_pack(read, row=row, product=product)
    return product, pack, read.problems


def _read_product(read: _RowReader) -> ProductValues:
    name = read.model_value("product_name", required=True)
    slug = read.model_value("product_slug")
    if slug is None and name and not read.cells["product_slug"]:
        slug = slugify(name)[:200]
        if not slug:
            read.problem("product_slug", "cannot be derived from product_name; give one")
    legal_category = read.choice("legal_category", LegalCategory)
    schedule = None
    if raw_schedule := read.cells["controlled_drug_schedule"]:
        if raw_schedule not in {str(value) for value in ControlledDrugSchedule.values}:
            read.problem("controlled_drug_schedule", "must be blank or a whole number from 1 to 5")
        else:
            schedule = int(raw_schedule)
            if schedule != 5 and legal_category and legal_category != LegalCategory.PRESCRIPTION:
                read.problem("controlled_drug_schedule",
                             f"Schedule {schedule} controlled drugs are prescription-only; "
                             "legal_category must be prescription")
    atc_code = read.model_value("atc_code", value=read.cells["atc_code"].upper()) or ""
    return ProductValues(
        name=name, slug=slug, legal_category=legal_category, controlled_drug_schedule=schedule,
        dosage_form=read.choice("dosage_form", DosageForm),
        route=read.choice("route", Route, default=Route.ORAL), atc_code=atc_code,
        categories=_read_categories(read), also_known_as=_read_also_known_as(read),
        used_for=_read_used_for(read),
    )


def _read_used_for(read: _RowReader) -> str | None:
    raw = read.cells.get("used_for")
    return None if raw is None else "; ".join(" ".join(part.split()) for part in raw.split(";") if part.strip())


def _read_also_known_as(read: _RowReader) -> tuple[str, ...] | None:
    """'Lioresal; Lyflex' -> ("Lioresal", "Lyflex"); None when the file has no also_known_as column."""
    raw = read.cells.get("also_known_as")
    if raw is None:
        return None
    names: dict[str, str] = {}
    for part in raw.split(";"):
        name = " ".join(part.split())
        if len(name) > _SYNONYM_NAME_MAX:
            read.problem("also_known_as", f"name '{name[:40]}...' is longer than {_SYNONYM_NAME_MAX}")
        elif name:
            names.setdefault(name.lower(), name)
    return tuple(names.values())


def _read_categories(read: _RowReader) -> tuple[str, ...]:
    names: dict[str, str] = {}  # slug -> name as first written; case and punctuation variants are one
    for part in read.cells["categories"].split(";"):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > _CATEGORY_NAME_MAX:
            read.problem("categories", f"category name '{name[:40]}...' is longer than {_CATEGORY_NAME_MAX}")
        elif not slugify(name):
            read.problem("categories", f"category name '{name}' needs at least one letter or digit")
        else:
            names.setdefault(slugify(name), name)
    return tuple(names.values())


def _read_pack(read: _RowReader, *, row: int, product: ProductValues) -> PackValues:
    currency = read.cells["currency"] or settings.PHARMACY_CURRENCY
    if currency != settings.PHARMACY_CURRENCY:
        read.problem("currency", f"must be {settings.PHARMACY_CURRENCY} or blank: the shop has one currency")
    is_active = BOOLEANS.get((read.cells["is_active"] or "true").lower())
    if is_active is None:
        read.problem("is_active", "must be true or false")
    pack_unit = read.model_value("pack_unit") or DEFAULT_PACK_UNITS.get(product.dosage_form, "")
    return PackValues(
        row=row, product_slug=product.slug, sku=read.model_value("sku", required=True),
        gtin=read.model_value("gtin"), pack_size=read.model_value("pack_size", required=True),
        pack_unit=pack_unit, price=read.model_value("price", required=True), currency=currency,
        stock=read.model_value("stock"), max_per_order=read.model_value("max_per_order"),
        **_read_batch(read),
        is_active=bool(is_active), strengths=_read_strengths(read),
        has_pzn="pzn" in read.cells, pzn=read.model_value("pzn") if "pzn" in read.cells else None,
    )


def _read_batch(read: _RowReader) -> dict:
    batch_number = read.model_value("batch_number") or ""
    expiry_date = read.model_value("expiry_date")
    if batch_number or read.cells["expiry_date"]:
        if not batch_number:
            read.problem("batch_number", "is required with expiry_date")
        if not read.cells["expiry_date"]:
            read.problem("expiry_date", "is required with batch_number (YYYY-MM-DD)")
        if not read.cells["stock"]:
            read.problem("stock", "is required with batch_number: the units counted in that batch")
    return {"batch_number": batch_number, "expiry_date": expiry_date}


def _read_strengths(read: _RowReader) -> tuple[StrengthValues, ...]:
    strengths, problems = _parse_strengths(read.cells["ingredients"])
    for reason in problems:
        read.problem("ingredients", reason)
    return strengths


@functools.lru_cache(maxsize=16384)
def _parse_strengths(text: str) -> tuple[tuple[StrengthValues, ...], tuple[str, ...]]:
    """'codeine phosphate 8 mg; paracetamol 500 mg' -> (strengths, problems)."""
    parts = [part.strip() for part in text.split(";") if part.strip()]
    if not parts:
        return (), ("is required; " + STRENGTH_FORMAT,)
    strengths: dict[str, StrengthValues] = {}
    problems: list[str] = []
    for part in parts:
        strength = _parse_strength(part, problems)
        if strength is None:
            continue
        if strength.ingredient in strengths:
            problems.append(f"'{strength.ingredient}' is listed twice")
        strengths[strength.ingredient] = strength
    return tuple(strengths.values()), tuple(problems)


def _parse_strength(text: str, problems: list[str]) -> StrengthValues | None:
    match = STRENGTH_PATTERN.match(text)
    if not match:
        problems.append(f"cannot read '{text}'; {STRENGTH_FORMAT}")
        return None
    found: list[str] = []
    ingredient = " ".join(match["ingredient"].lower().split())
    if len(ingredient) > _INGREDIENT_NAME_MAX:
        found.append(f"ingredient name is longer than {_INGREDIENT_NAME_MAX} characters")
    unit = UNIT_ALIASES.get(match["unit"].lower())
    per_unit = UNIT_ALIASES.get(match["per_unit"].lower()) if match["per_unit"] else ""
    if unit is None or per_unit is None:
        found.append(f"unknown unit in '{text}'; use mg, g, microgram, mL or unit")
    amount = _strength_amount(match["amount"], text, found)
    per_amount = None
    if match["per_unit"]:  # "5 mg/5 mL"; "1 mg/mL" means per 1 mL
        per_amount = _strength_amount(match["per_amount"] or "1", text, found)
    problems.extend(found)
    if found:
        return None
    return StrengthValues(ingredient, amount, unit, per_amount, per_unit)


def _strength_amount(raw: str, text: str, problems: list[str]) -> Decimal | None:
    amount, reason = _clean_strength_amount(raw)
    if reason:
        problems.append(f"'{text}': {reason}")
    return amount


@functools.lru_cache(maxsize=4096)
def _clean_strength_amount(raw: str) -> tuple[Decimal | None, str]:
    try:
        amount = _STRENGTH_AMOUNT.clean(raw, None)
    except ValidationError as error:
        return None, " ".join(error.messages)
    if amount <= 0:
        return None, "amounts must be more than 0"
    return amount, ""
