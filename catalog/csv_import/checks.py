"""Check a whole catalog CSV before anything is written: each row, the rows against each other, and the file
against the database. Every problem becomes a RowError; the file is read once, as a stream."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from catalog.models import Ingredient, Pack, Product

from .rows import (
    BATCH_COLUMNS,
    COLUMNS,
    KEEP_WHEN_ABSENT_COLUMNS,
    OPTIONAL_COLUMNS,
    PRODUCT_COLUMNS,
    REQUIRED_COLUMNS,
    PackValues,
    ProductValues,
    read_row,
)

HEADER_ROW = 1
LOOKUP_CHUNK = 5000  # keys per `IN (...)` lookup, well under SQLite's and PostgreSQL's parameter limits
VALUE_SHOWN_MAX = 60

# ProductValues field -> its CSV column, for "differs from row N" messages
PRODUCT_FIELD_COLUMNS = {
    "name": "product_name", "legal_category": "legal_category",
    "controlled_drug_schedule": "controlled_drug_schedule", "dosage_form": "dosage_form", "route": "route",
    "atc_code": "atc_code", "categories": "categories", "also_known_as": "also_known_as",
    "used_for": "used_for",
}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # blank when the problem is the row as a whole
    reason: str
    value: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.reason}"


@dataclass
class CheckedCatalog:
    """A checked file: its products (by slug) and packs, ready to write if `errors` is empty."""

    rows: int = 0
    products: dict[str, ProductValues] = field(default_factory=dict)
    packs: list[PackValues] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    existing_product_slugs: set[str] = field(default_factory=set)
    existing_skus: set[str] = field(default_factory=set)
    new_ingredients: set[str] = field(default_factory=set)

    @property
    def products_to_create(self) -> int:
        return len(self.products.keys() - self.existing_product_slugs)

    @property
    def packs_to_create(self) -> int:
        return sum(pack.sku not in self.existing_skus for pack in self.packs)


def check_catalog_csv(*, stream: TextIO) -> CheckedCatalog:
    """Read and check every row of `stream`, opened with newline="" and errors="surrogateescape" (so bytes
    that are not UTF-8 are reported on their row and column instead of stopping the read). Writes nothing."""
    checker = _Checker()
    try:
        checker.read(csv.reader(stream))
    except csv.Error as error:
        checker.error(checker.last_row + 1, "", f"cannot be read as CSV ({error}); the rest was not checked")
    if checker.header_ok:
        checker.check_against_database()
    catalog = checker.catalog
    column_order = {name: index for index, name in enumerate(COLUMNS)}
    catalog.errors.sort(key=lambda error: (error.row, column_order.get(error.column, -1)))
    return catalog


class _Checker:
    def __init__(self):
        self.catalog = CheckedCatalog()
        self.header: list[str] = []
        self.header_ok = False
        self.last_row = HEADER_ROW - 1
        self.product_rows: dict[str, int] = {}  # slug -> first row describing the product
        self.name_rows: dict[str, tuple[int, str]] = {}  # product name -> (first row, slug)
        self.sku_rows: dict[str, int] = {}
        self.gtin_rows: dict[str, int] = {}
        self.gtin_skus: dict[str, str | None] = {}  # GTIN -> SKU of the row that first gives it
        self.pzn_rows: dict[str, int] = {}
        self.pzn_skus: dict[str, str | None] = {}

    def error(self, row: int, column: str, reason: str, value: str = "") -> None:
        if len(value) > VALUE_SHOWN_MAX:
            value = value[:VALUE_SHOWN_MAX] + "..."
        self.catalog.errors.append(RowError(row, column, reason, value))

    def read(self, records: Iterator[list[str]]) -> None:
        header = next(records, None)
        self.last_row = HEADER_ROW
        if header is None:
            self.error(HEADER_ROW, "", "the file is empty; the first row must name the columns")
            return
        if not self.check_text(HEADER_ROW, header, header) or not self.check_header(header):
            return
        for row, record in enumerate(records, start=HEADER_ROW + 1):
            self.last_row = row
            if not any(cell.strip() for cell in record):
                continue  # blank line
            self.catalog.rows += 1
            if len(record) != len(self.header):
                self.error(row, "", f"has {len(record)} values; the header has {len(self.header)} columns")
                continue
            if not self.check_text(row, record, self.header):
                continue
            cells = dict.fromkeys(BATCH_COLUMNS, "")  # files from before batches lack these columns
            cells.update((name, cell.strip()) for name, cell in zip(self.header, record, strict=True))
            self.check_row(row, cells)

    def check_text(self, row: int, record: Sequence[str], columns: Sequence[str]) -> bool:
        """Bytes that are not UTF-8 arrive as lone surrogates (errors="surrogateescape"); report them."""
        if "".join(record).isascii():
            return True
        ok = True
        for column, cell in zip(columns, record, strict=True):
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:
                self.error(row, column, "is not UTF-8 text; save the file as 'CSV UTF-8'")
                ok = False
        return ok

    def check_header(self, header: Sequence[str]) -> bool:
        self.header = [name.strip().lower() for name in header]
        seen: set[str] = set()
        for name in self.header:
            if name not in COLUMNS:
                self.error(HEADER_ROW, name, "is not a known column; see `manage.py import_catalog --help`")
            elif name in seen:
                self.error(HEADER_ROW, name, "appears twice in the header")
            seen.add(name)
        for name in COLUMNS:
            if name not in seen and name not in OPTIONAL_COLUMNS:
                needed = "required" if name in REQUIRED_COLUMNS else "values are optional, the column is not"
                self.error(HEADER_ROW, name, f"column is missing from the header ({needed})")
        self.header_ok = not self.catalog.errors
        return self.header_ok

    def check_row(self, row: int, cells: dict[str, str]) -> None:
        product, pack, problems = read_row(row, cells)
        for column, reason in problems:
            self.error(row, column, reason, cells[column])
        self.check_unique(row, "sku", pack.sku, self.sku_rows)
        if pack.gtin and self.check_unique(row, "gtin", pack.gtin, self.gtin_rows):
            self.gtin_skus[pack.gtin] = pack.sku
        if pack.pzn and self.check_unique(row, "pzn", pack.pzn, self.pzn_rows):
            self.pzn_skus[pack.pzn] = pack.sku
        if any(column in PRODUCT_COLUMNS or column in KEEP_WHEN_ABSENT_COLUMNS for column, _ in problems):
            return
        self.check_same_product(row, product, cells)
        if not problems:
            self.catalog.packs.append(pack)

    def check_unique(self, row: int, column: str, value: str | None, first_rows: dict[str, int]) -> bool:
        """Whether this is the first row with `value` in `column`."""
        if value is None:
            return False
        first = first_rows.setdefault(value, row)
        if first != row:
            self.error(row, column, f"is already used on row {first}; each pack needs its own", value)
        return first == row

    def check_same_product(self, row: int, product: ProductValues, cells: dict[str, str]) -> None:
        """Rows of one product must describe it the same way, and two products cannot share a name."""
        first_row = self.product_rows.setdefault(product.slug, row)
        if first_row == row:
            self.catalog.products[product.slug] = product
        else:
            first = self.catalog.products[product.slug]
            for name, column in PRODUCT_FIELD_COLUMNS.items():
                mine, theirs = getattr(product, name), getattr(first, name)
                if name in ("categories", "also_known_as") and mine is not None and theirs is not None:
                    mine, theirs = {c.lower() for c in mine}, {c.lower() for c in theirs}
                if mine != theirs:
                    self.error(row, column, f"differs from row {first_row}, which describes the same product "
                                            f"'{product.slug}'", cells[column])
        name_row, name_slug = self.name_rows.setdefault(product.name, (row, product.slug))
        if name_slug != product.slug:
            self.error(row, "product_name", f"is also the name of product '{name_slug}' on row {name_row}; "
                                            "product names are unique", product.name)

    def check_against_database(self) -> None:
        catalog = self.catalog
        slugs = list(catalog.products)
        for slug, _ in _lookup(Product.objects.values_list("slug", "name"), "slug", slugs):
            catalog.existing_product_slugs.add(slug)
        names = {product.name: product for product in catalog.products.values()}
        for name, slug in _lookup(Product.objects.values_list("name", "slug"), "name", list(names)):
            if slug != names[name].slug:
                self.error(self.product_rows[names[name].slug], "product_name",
                           f"already belongs to product '{slug}'; product names are unique", name)
        skus = list(self.sku_rows)
        catalog.existing_skus.update(_lookup(Pack.objects.values_list("sku", flat=True), "sku", skus))
        for gtin, owner in _lookup(Pack.objects.values_list("gtin", "sku"), "gtin", list(self.gtin_skus)):
            if owner != self.gtin_skus[gtin]:
                self.error(self.gtin_rows[gtin], "gtin", f"already belongs to pack {owner}", gtin)
        for pzn, owner in _lookup(Pack.objects.values_list("pzn", "sku"), "pzn", list(self.pzn_skus)):
            if owner != self.pzn_skus[pzn]:
                self.error(self.pzn_rows[pzn], "pzn", f"already belongs to pack {owner}", pzn)
        ingredients = {strength.ingredient for pack in catalog.packs for strength in pack.strengths}
        known = set(_lookup(Ingredient.objects.values_list("name", flat=True), "name", list(ingredients)))
        catalog.new_ingredients = ingredients - known


def _lookup(queryset, field_name: str, keys: Sequence[str]) -> Iterable:
    """Rows of `queryset` whose `field_name` is in `keys`: one query per LOOKUP_CHUNK keys, never per row."""
    for start in range(0, len(keys), LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": keys[start:start + LOOKUP_CHUNK]})
