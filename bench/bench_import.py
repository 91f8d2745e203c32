#!/usr/bin/env python
"""Time `manage.py import_catalog` on generated rows: `python bench/bench_import.py [--rows 20000]`.

Runs against a throwaway database made the way the test runner makes one (test_<name> on the PostgreSQL of
DATABASE_URL, or an in-memory SQLite when DATABASE_URL is unset) and drops it afterwards, so the configured
database is never written. The CSV is generated into temporary files and imported: a dry run (reading and
checking only), all rows new, the same file again (nothing to write), every price changed (every pack
updated), and the first prices again under tracemalloc for the peak Python memory. Prints rows per second;
there are no pass/fail timings, so compare runs taken side by side on the same machine.
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_rows(path: Path, *, rows: int, packs_per_product: int, price_step: int, columns, make_gtin13):
    """`rows` packs, `packs_per_product` strengths of each product, two ingredients per pack."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for n in range(rows):
            product, strength = divmod(n, packs_per_product)
            values = {
                "product_name": f"Generic {product} tablets", "product_slug": "",
                "legal_category": "pharmacy", "controlled_drug_schedule": "", "dosage_form": "tablet",
                "route": "oral", "atc_code": "N02BE01", "categories": f"Area {product % 25}",
                "sku": f"GEN-{n:07d}", "gtin": make_gtin13(f"28{n:010d}"), "pack_size": "16", "pack_unit": "",
                "price": f"{1 + (n + price_step) % 900 / 100:.2f}", "currency": "", "stock": str(n % 500),
                "max_per_order": "2", "is_active": "true",
                "ingredients": f"generic{product} {strength + 1}0 mg; excipient{product % 3} 5 mg",
            }
            writer.writerow(values[column] for column in columns)


def timed(label: str, rows: int, run) -> None:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    print(f"{label:<36} {seconds:8.2f} s  {rows / seconds:10,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--packs-per-product", type=int, default=3)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.csv_import.rows import COLUMNS
    from catalog.identifiers import make_gtin13

    def run_import(path: Path, *options: str) -> None:
        call_command("import_catalog", str(path), "--no-progress", *options, stdout=io.StringIO())

    # A name of its own, so it can never clobber the test database of a test run using the same server.
    connection.settings_dict["TEST"]["NAME"] = (
        None if connection.vendor == "sqlite" else f"bench_import_{os.getpid()}"
    )
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as directory:
            first, second = Path(directory) / "first.csv", Path(directory) / "second.csv"
            for path, price_step in ((first, 0), (second, 1)):
                write_rows(path, rows=arguments.rows, packs_per_product=arguments.packs_per_product,
                           price_step=price_step, columns=COLUMNS, make_gtin13=make_gtin13)
            rows = arguments.rows
            print(f"{rows:,} rows ({first.stat().st_size / 1e6:.1f} MB), "
                  f"{arguments.packs_per_product} packs per product, on {connection.vendor}")
            timed("check only (--dry-run)", rows, lambda: run_import(first, "--dry-run"))
            timed("import, all rows new", rows, lambda: run_import(first))
            timed("same file again, nothing to write", rows, lambda: run_import(first))
            timed("every price changed", rows, lambda: run_import(second))
            tracemalloc.start()
            run_import(first)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak Python memory of an import that updates every pack: {peak / 1e6:.1f} MB")
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
