"""Catalog import from CSV: `manage.py import_catalog catalog.csv [--dry-run] [--errors-csv errors.csv]`

One row per pack. Rows that share a product (same product_slug, or the same product_name when the slug is
blank) must agree on every product column. The first row names the columns, in any order; every column
below must be present (except those marked "optional column"), and values may be blank where marked
optional. Files are UTF-8 (a BOM is fine).

Product columns
  product_name              required. Shown to shoppers, e.g. "Baclofen tablets". Unique.
  product_slug              optional. URL key of the product; derived from product_name when blank.
  legal_category            required. general_sale | pharmacy | prescription
  controlled_drug_schedule  optional. Blank, or 1 to 5. Schedules 1-4 need legal_category prescription.
  dosage_form               required. tablet | capsule | oral_solution | cream | injection
  route                     optional. oral (default) | topical | intrathecal
  atc_code                  optional. WHO ATC code, e.g. M03BX01.
  categories                optional. Category names separated by ";", e.g. "Pain relief; Muscle and joint".
                            Replaces the product's categories; new names create categories.
  also_known_as             optional column (may be left out). Brand and other names search finds the
                            product by, separated by ";": "Lioresal; Lyflex". Replaces the product's
                            names; when the column is absent, the product keeps the names it has.
  used_for                  optional column (may be left out). What the medicine is for, separated by
                            ";": "hay fever; hives". Searchable for general sale and pharmacy medicines
                            only. When the column is absent, the product keeps what it has.

Pack columns
  sku                       required. Unique pack key: capitals, digits and dashes, e.g. BAC-10-84.
  gtin                      optional. GTIN-8/12/13/14 with a valid check digit; unique across packs.
  pack_size                 required. Whole number of at least 1 (tablets, capsules, or mL).
  pack_unit                 optional. e.g. tablets, capsules, mL; blank takes the dosage form's usual unit.
  price                     required. Decimal with at most 2 places and a point, e.g. 12.99.
  currency                  optional. Blank or the shop's currency (PHARMACY_CURRENCY, e.g. GBP).
  stock                     optional. Whole number of 0 or more: units counted in the batch below (a
                            stock take; allocations to orders are never changed). Blank keeps the stock.
  batch_number              optional column. The batch (lot) the stock is in; with expiry_date and stock.
                            Without it (or in files without the column) stock counts the pack's only
                            batch (or its old LEGACY placeholder); a pack with no batch yet gets no
                            sellable stock until a batch is booked in: no placeholder is created.
  expiry_date               optional column. The batch's expiry date, YYYY-MM-DD.
  max_per_order             optional. Blank for no limit, or a whole number of at least 1.
  is_active                 optional. true (default) | false; also yes/no, 1/0.
  pzn                       optional column (may be left out). German PZN, 8 digits with a valid mod-11
                            check digit; unique across packs. Blank clears it; an absent column keeps it.
  ingredients               required. Active ingredients and strengths separated by ";":
                            "baclofen 10 mg", "codeine phosphate 8 mg; paracetamol 500 mg",
                            "baclofen 5 mg/5 mL". Units: mg, g, microgram (mcg), mL, unit.

How it runs: the whole file is checked first, and every problem is reported as (row, column, reason), with
rows numbered as a spreadsheet shows them (the header is row 1). If there is any problem nothing is
imported. Otherwise the rows are written in one transaction, in batches: packs are matched on their SKU and
products on their slug; new ones are created, changed ones updated (a pack with its strengths), unchanged
ones left alone. A product's description and is_active belong to the admin and are kept. Leaflets are not
part of the import: a new product cannot be ordered until a leaflet is published for it in the admin.
"""

from .checks import CheckedCatalog, RowError, check_catalog_csv
from .write import CatalogImported, import_catalog

__all__ = ["CatalogImported", "CheckedCatalog", "RowError", "check_catalog_csv", "import_catalog"]
