"""`manage.py import_catalog`: a whole CSV is checked first and then written all or nothing, in batches."""

import csv
import io
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection

from catalog.csv_import import check_catalog_csv, import_catalog
from catalog.csv_import.rows import COLUMNS
from catalog.identifiers import make_gtin13
from catalog.models import Category, Ingredient, Pack, Product, Strength
from tests.builders.catalog import GOOD_FILE, GOOD_GTIN, failed_import, pack_row, run_import, write_csv
from tests.factories import PackFactory, ProductFactory, set_available_stock

pytestmark = pytest.mark.django_db

BAD_GTIN = GOOD_GTIN[:-1] + str((int(GOOD_GTIN[-1]) + 1) % 10)










def catalog_rows() -> tuple:
    return (
        list(Product.objects.order_by("pk").values()), list(Pack.objects.order_by("pk").values()),
        list(Strength.objects.order_by("pk").values()), list(Category.objects.order_by("pk").values()),
        list(Ingredient.objects.order_by("pk").values()),
    )




def test_a_good_file_imports_every_row_with_its_exact_values(tmp_path):
    out, err = run_import(write_csv(tmp_path, GOOD_FILE))

    assert out.strip() == (
        f"Imported 4 rows from {tmp_path / 'catalog.csv'}. Products: 3 created, 0 updated, 0 unchanged. "
        "Packs: 4 created, 0 updated, 0 unchanged. New categories: 2; new ingredients: 3.\n"
        "New products have no leaflet yet: publish one in the admin to sell them."
    )
    assert err == ""
    products = {p.slug: p for p in Product.objects.all()}
    assert sorted(products) == ["baclofen-oral-solution", "baclofen-tablets", "co-codamol"]
    c = products["co-codamol"]
    assert (c.name, c.legal_category, c.controlled_drug_schedule, c.dosage_form, c.route, c.atc_code,
            c.is_active) == ("Co-codamol tablets", "pharmacy", 5, "tablet", "oral", "N02AJ06", True)
    assert sorted(c.categories.values_list("name", flat=True)) == ["Muscle and joint", "Pain relief"]
    packs = {pack.sku: pack for pack in Pack.objects.with_details()}
    assert {sku: (p.product.slug, p.gtin, p.pack_size, p.pack_unit, p.price_amount, p.currency,
                  p.stock_quantity, p.max_per_order, p.is_active, p.strength_label)
            for sku, p in packs.items()} == {
        "BAC-5-84": ("baclofen-tablets", GOOD_GTIN, 84, "tablets", Decimal("9.49"), "GBP", 60, None, True,
                     "5 mg"),
        "BAC-10-84": ("baclofen-tablets", None, 84, "tablets", Decimal("12.99"), "GBP", 80, None, True,
                      "10 mg"),
        "BACOS-5-300": ("baclofen-oral-solution", None, 300, "mL", Decimal("24.95"), "GBP", 15, None, True,
                        "5 mg/5 mL"),
        "COCO-8-500-32": ("co-codamol", None, 32, "tablets", Decimal("4.50"), "GBP", 0, 1, False,
                          "8 mg/500 mg"),
    }
    ingredients = [s.ingredient.name for s in packs["COCO-8-500-32"].strengths.all()]
    assert ingredients == ["codeine phosphate", "paracetamol"]
    assert packs["BACOS-5-300"].display_name == "Baclofen 5 mg/5 mL oral solution, 300 mL"


def test_a_bad_gtin_on_row_7_imports_nothing_and_the_report_names_row_7(tmp_path):
    rows = [pack_row(sku=f"BAC-{n}-84", ingredients=f"baclofen {n} mg") for n in range(1, 6)]  # rows 2-6
    rows.append(pack_row(sku="BAC-6-84", gtin=BAD_GTIN, ingredients="baclofen 6 mg"))  # row 7
    rows.append(pack_row(sku="BAC-7-84", ingredients="baclofen 7 mg"))  # row 8

    report = failed_import(write_csv(tmp_path, rows))

    expected_digit = GOOD_GTIN[-1]
    assert report.splitlines() == [
        f"{tmp_path / 'catalog.csv'}: 1 problem(s) in 7 rows.",
        f"  row 7, gtin ('{BAD_GTIN}'): GTIN check digit is wrong: expected {expected_digit}.",
    ]
    assert catalog_rows() == ([], [], [], [], [])


def test_every_bad_row_is_reported_in_one_run(tmp_path):
    rows = [
        pack_row(),
        pack_row(sku="BAC-20-84", price="18.499", stock="-1", ingredients="baclofen 20"),  # row 3
        pack_row(sku="BAC-10-84"),  # row 4: SKU repeated
        pack_row(product_name="Tramadol capsules", legal_category="pharmacy", controlled_drug_schedule="3",
                 dosage_form="pill", sku="tram-50", pack_size="0", ingredients="tramadol 50 mg"),  # row 5
        pack_row(product_name="Baclofen tablets", legal_category="pharmacy", sku="BAC-25-84",
                 currency="EUR", is_active="maybe", ingredients="baclofen 25 mg"),  # row 6
    ]
    errors_csv = tmp_path / "errors.csv"

    report = failed_import(write_csv(tmp_path, rows), "--errors-csv", str(errors_csv))

    with open(errors_csv, newline="", encoding="utf-8") as file:
        reported = [(int(r["row"]), r["column"], r["reason"]) for r in csv.DictReader(file)]
    assert [(row, column) for row, column, _ in reported] == [
        (3, "price"), (3, "stock"), (3, "ingredients"),
        (4, "sku"),
        (5, "controlled_drug_schedule"), (5, "dosage_form"), (5, "sku"), (5, "pack_size"),
        (6, "legal_category"), (6, "currency"), (6, "is_active"),
    ]
    reasons = {(row, column): reason for row, column, reason in reported}
    assert reasons[3, "price"] == "Ensure that there are no more than 2 decimal places."
    assert reasons[3, "stock"] == "Ensure this value is greater than or equal to 0."
    assert reasons[4, "sku"] == "is already used on row 2; each pack needs its own"
    assert reasons[5, "controlled_drug_schedule"] == (
        "Schedule 3 controlled drugs are prescription-only; legal_category must be prescription")
    assert reasons[5, "dosage_form"] == "must be one of tablet, capsule, oral_solution, cream, injection"
    assert reasons[6, "legal_category"] == (
        "differs from row 2, which describes the same product 'baclofen-tablets'")
    assert "11 problem(s) in 5 rows" in report and f"The problems are also in {errors_csv}." in report
    assert catalog_rows() == ([], [], [], [], [])


def test_re_importing_updates_rows_in_place_instead_of_duplicating_them(tmp_path):
    run_import(write_csv(tmp_path, GOOD_FILE))
    before = {pack.sku: pack.pk for pack in Pack.objects.all()}
    product_ids = set(Product.objects.values_list("pk", flat=True))
    changed = [
        GOOD_FILE[0],
        pack_row(price="13.49", stock="70", max_per_order="2", batch_number="L10-84", expiry_date="2030-06-30"),
        GOOD_FILE[2],
        GOOD_FILE[3] | {"categories": "Pain relief", "stock": "12", "ingredients": "codeine phosphate 8 mg",
                        "batch_number": "LCOCO", "expiry_date": "2030-06-30"},
    ]

    out, _ = run_import(write_csv(tmp_path, changed))

    # Baclofen tablets: a pack changed, not the product; co-codamol: its categories changed.
    assert "Products: 0 created, 1 updated, 2 unchanged. Packs: 0 created, 2 updated, 2 unchanged." in out
    assert {pack.sku: pack.pk for pack in Pack.objects.all()} == before
    assert set(Product.objects.values_list("pk", flat=True)) == product_ids
    bac10 = Pack.objects.get(sku="BAC-10-84")
    assert (bac10.price_amount, bac10.stock_quantity, bac10.max_per_order) == (Decimal("13.49"), 70, 2)
    cocodamol = Pack.objects.with_details().get(sku="COCO-8-500-32")
    assert (cocodamol.strength_label, cocodamol.stock_quantity) == ("8 mg", 12)
    assert list(cocodamol.product.categories.values_list("name", flat=True)) == ["Pain relief"]
    assert Strength.objects.count() == 4
    assert Category.objects.count() == 2


def test_re_importing_an_unchanged_file_writes_nothing(tmp_path):
    path = write_csv(tmp_path, GOOD_FILE)
    run_import(path)
    before = catalog_rows()

    out, _ = run_import(path)

    assert "Products: 0 created, 0 updated, 3 unchanged. Packs: 0 created, 0 updated, 4 unchanged." in out
    assert catalog_rows() == before  # updated_at included: no row was rewritten


def test_nothing_is_written_when_the_catalog_changed_between_check_and_write(tmp_path):
    with open(write_csv(tmp_path, GOOD_FILE), newline="", encoding="utf-8") as stream:
        checked = check_catalog_csv(stream=stream)
    PackFactory(sku="OTHER-1", gtin=GOOD_GTIN)  # another pack took the GTIN in the meantime
    before = catalog_rows()

    with pytest.raises(IntegrityError):
        import_catalog(catalog=checked)

    assert checked.errors == []
    assert catalog_rows() == before


def test_progress_bars_are_drawn_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    path = write_csv(tmp_path, [pack_row()])
    call_command("import_catalog", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert capsys.readouterr().err == ""

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    call_command("import_catalog", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    drawn = capsys.readouterr().err
    assert "Checking rows: 100%" in drawn and "Writing packs: 100%" in drawn


def test_a_blank_stock_cell_keeps_the_stock_of_an_existing_pack(tmp_path):
    run_import(write_csv(tmp_path, [pack_row(stock="80")]))
    set_available_stock(Pack.objects.get(sku="BAC-10-84"), 77)  # sold since

    run_import(write_csv(tmp_path, [pack_row(stock="", price="14.00")]))

    pack = Pack.objects.get(sku="BAC-10-84")
    assert (pack.stock_quantity, pack.price_amount) == (77, Decimal("14.00"))


def test_dry_run_checks_the_file_and_writes_nothing(tmp_path):
    existing = PackFactory(sku="BAC-10-84", price_amount=Decimal("1.00"))
    before = catalog_rows()

    out, _ = run_import(write_csv(tmp_path, GOOD_FILE), "--dry-run")

    assert out.strip() == (
        f"Dry run: all 4 rows of {tmp_path / 'catalog.csv'} are valid. "
        "New: 3 products, 3 packs, 3 ingredients. "
        "Already in the catalog, to update where the file differs: 0 products, 1 packs. Nothing was written."
    )
    assert catalog_rows() == before
    existing.refresh_from_db()
    assert existing.price_amount == Decimal("1.00")


def test_dry_run_still_reports_problems(tmp_path):
    report = failed_import(write_csv(tmp_path, [pack_row(gtin=BAD_GTIN)]), "--dry-run")

    assert "row 2, gtin" in report


def test_a_gtin_already_on_another_pack_in_the_database_is_refused(tmp_path):
    PackFactory(sku="OTHER-1", gtin=GOOD_GTIN)
    before = catalog_rows()

    report = failed_import(write_csv(tmp_path, [pack_row(gtin=GOOD_GTIN)]))

    assert f"  row 2, gtin ('{GOOD_GTIN}'): already belongs to pack OTHER-1" in report.splitlines()
    assert catalog_rows() == before


def test_a_pack_may_keep_its_own_gtin_on_re_import(tmp_path):
    run_import(write_csv(tmp_path, [pack_row(gtin=GOOD_GTIN)]))

    out, _ = run_import(write_csv(tmp_path, [pack_row(gtin=GOOD_GTIN, price="11.00")]))

    assert "Packs: 0 created, 1 updated, 0 unchanged." in out
    assert Pack.objects.get(gtin=GOOD_GTIN).price_amount == Decimal("11.00")


def test_a_gtin_repeated_within_the_file_is_refused(tmp_path):
    rows = [pack_row(gtin=GOOD_GTIN), pack_row(sku="BAC-20-84", gtin=GOOD_GTIN, ingredients="baclofen 20 mg")]

    report = failed_import(write_csv(tmp_path, rows))

    assert f"  row 3, gtin ('{GOOD_GTIN}'): is already used on row 2; each pack needs its own" in report


def test_a_product_name_that_belongs_to_another_product_is_refused(tmp_path):
    ProductFactory(name="Baclofen tablets", slug="baclofen-tabs")
    before = catalog_rows()

    report = failed_import(write_csv(tmp_path, [pack_row()]))

    assert ("  row 2, product_name ('Baclofen tablets'): already belongs to product 'baclofen-tabs'; "
            "product names are unique") in report.splitlines()
    assert catalog_rows() == before


def test_a_missing_or_unknown_column_is_reported_on_row_1(tmp_path):
    path = tmp_path / "catalog.csv"
    header = [column for column in COLUMNS if column != "price"] + ["prise"]
    path.write_text(",".join(header) + "\n", encoding="utf-8")

    report = failed_import(path)

    assert report.splitlines()[1:] == [
        "  row 1, prise: is not a known column; see `manage.py import_catalog --help`",
        "  row 1, price: column is missing from the header (required)",
    ]


def test_row_numbers_match_a_spreadsheet_across_blank_lines_and_multi_line_cells(tmp_path):
    path = write_csv(tmp_path, [pack_row(product_name="Baclofen\ntablets", product_slug="baclofen-tablets")])
    with open(path, "a", newline="", encoding="utf-8") as file:
        file.write("\r\n")  # row 3 is blank
        csv.DictWriter(file, fieldnames=COLUMNS).writerow(pack_row(sku="BAC-20-84", pack_size="many"))

    report = failed_import(path)  # the bad row is row 4

    assert "  row 4, pack_size ('many'): “many” value must be an integer." in report.splitlines()


def test_cells_that_are_not_utf8_are_reported_where_they_are(tmp_path):
    path = write_csv(tmp_path, [pack_row(), pack_row(sku="BAC-20-84", ingredients="baclofen 20 mg")])
    path.write_bytes(path.read_bytes().replace(b"BAC-20-84", b"BAC-20-\xff84"))

    report = failed_import(path)

    assert report.splitlines()[1:] == ["  row 3, sku: is not UTF-8 text; save the file as 'CSV UTF-8'"]


def test_import_without_any_problem_accepts_a_byte_order_mark(tmp_path):
    path = write_csv(tmp_path, [pack_row()])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's "CSV UTF-8"

    out, _ = run_import(path)

    assert "Packs: 1 created" in out


def generated_rows(count: int, *, price: str, packs_per_product: int = 4) -> list[dict[str, str]]:
    rows = []
    for n in range(count):
        product, strength = divmod(n, packs_per_product)
        rows.append(pack_row(
            product_name=f"Generic {product} tablets", categories=f"Area {product % 7}", sku=f"GEN-{n:06d}",
            gtin=make_gtin13(f"28{n:010d}"), price=price, stock=str(n % 50),
            ingredients=f"generic{product} {strength + 1} mg", batch_number=f"G{n}", expiry_date="2030-06-30",
        ))
    return rows


# Work per row would take at least 2,000 queries here; batched, the import takes a few queries per batch.
# PostgreSQL writes 1,000 rows per INSERT; Django caps SQLite statements at 999 parameters (about 76 packs),
# so SQLite needs more statements for the same batches. One more query records the run (catalog.ImportRun),
# and one the new products no clinical rule covers (catalog.ClinicalCoverageReview).
QUERY_BOUND = {"postgresql": 42}.get(connection.vendor, 121)


def test_importing_2000_rows_takes_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries):
    new_rows = write_csv(tmp_path, generated_rows(2000, price="3.49"), name="new.csv")
    new_prices = write_csv(tmp_path, generated_rows(2000, price="3.99"), name="prices.csv")

    with django_assert_max_num_queries(QUERY_BOUND):
        first, _ = run_import(new_rows)
    with django_assert_max_num_queries(QUERY_BOUND):
        second, _ = run_import(new_prices)

    assert "Products: 500 created, 0 updated, 0 unchanged. Packs: 2,000 created" in first
    assert "Packs: 0 created, 2,000 updated, 0 unchanged." in second
    assert (Product.objects.count(), Pack.objects.count(), Strength.objects.count()) == (500, 2000, 2000)
    pack = Pack.objects.with_details().get(sku="GEN-001234")
    assert (pack.price_amount, pack.stock_quantity, pack.strength_label) == (Decimal("3.99"), 34, "3 mg")
