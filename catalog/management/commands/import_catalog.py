"""`python manage.py import_catalog catalog.csv [--dry-run] [--errors-csv errors.csv] [--no-progress]`

The column reference is the docstring of catalog/csv_import/__init__.py, which `--help` prints.
"""

import argparse
import csv
import io
import os
import sys

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import IntegrityError
from django.utils import timezone
from tqdm import tqdm

from catalog import csv_import
from catalog.csv_import import CheckedCatalog, check_catalog_csv, import_catalog
from catalog.csv_import.runs import record_import_run
from catalog.exceptions import ReclassificationNotAllowed
from catalog.models import ImportOutcome
from pharmacy.exceptions import DomainError


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column table's line breaks."""


class _CountingReader(io.RawIOBase):
    """Passes a binary file through, reporting bytes read, so the progress bar can show the whole file."""

    def __init__(self, raw, on_read):
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        self._on_read(count or 0)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class Command(BaseCommand):
    help = (
        "Import products and packs from a CSV file: checked in full first, then written all or nothing.\n\n"
        + csv_import.__doc__.split("\n", 2)[2]
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=_HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file to import")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument("--errors-csv", metavar="PATH", help="also write the problems to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars, even on a terminal")
        parser.add_argument("--allow-reclassification", action="store_true",
                            help="allow rows that change a product's legal category or controlled-drug schedule; "
                                 "each change is recorded in the reclassification audit trail (needs --reason)")
        parser.add_argument("--reason", default="", help="why the file reclassifies products (kept in the trail)")

    def handle(self, *args, path, dry_run, errors_csv, no_progress, allow_reclassification=False, reason="",
               **options):
        if allow_reclassification and not reason.strip():
            raise CommandError("--allow-reclassification needs --reason: it is kept in the audit trail.")
        show_progress = not no_progress and sys.stderr.isatty()
        started_at = timezone.now()
        catalog = self.check_file(path, show_progress=show_progress)
        if catalog.errors:
            self.report_errors(catalog, path=path, errors_csv=errors_csv)
            record_import_run(path=path, outcome=ImportOutcome.INVALID, started_at=started_at, rows=catalog.rows,
                              problems=len(catalog.errors))
            raise CommandError(f"{len(catalog.errors)} problem(s) found in {path}; nothing was imported.")
        if dry_run:
            products_existing = len(catalog.products) - catalog.products_to_create
            packs_existing = len(catalog.packs) - catalog.packs_to_create
            self.stdout.write(
                f"Dry run: all {catalog.rows:,} rows of {path} are valid. "
                f"New: {catalog.products_to_create:,} products, {catalog.packs_to_create:,} packs, "
                f"{len(catalog.new_ingredients):,} ingredients. "
                f"Already in the catalog, to update where the file differs: {products_existing:,} products, "
                f"{packs_existing:,} packs. Nothing was written."
            )
            record_import_run(path=path, outcome=ImportOutcome.DRY_RUN, started_at=started_at, rows=catalog.rows)
            return
        with tqdm(total=len(catalog.packs), desc="Writing packs", unit=" packs", file=sys.stderr,
                  disable=not show_progress) as bar:
            try:
                imported = import_catalog(
                    catalog=catalog, on_packs_written=bar.update,
                    reclassification_reason=reason if allow_reclassification else None,
                )
            except ReclassificationNotAllowed as refusal:
                self.record_refusal(path, started_at, catalog, refusal.message)
                raise CommandError(f"{refusal.message} Nothing was imported.") from refusal
            except IntegrityError as error:
                self.record_refusal(path, started_at, catalog, "The catalog changed while the file was imported.")
                raise CommandError(
                    f"The catalog changed while the file was being imported ({error}); nothing was imported. "
                    "Run the import again."
                ) from error
            except DomainError as refusal:
                self.record_refusal(path, started_at, catalog, refusal.message)
                raise CommandError(f"{refusal.message.rstrip('.')}; nothing was imported.") from refusal
        record_import_run(path=path, outcome=ImportOutcome.IMPORTED, started_at=started_at, rows=imported.rows,
                          imported=imported)
        self.stdout.write(self.style.SUCCESS(
            f"Imported {imported.rows:,} rows from {path}. Products: {imported.products_created:,} created, "
            f"{imported.products_updated:,} updated, {imported.products_unchanged:,} unchanged. Packs: "
            f"{imported.packs_created:,} created, {imported.packs_updated:,} updated, "
            f"{imported.packs_unchanged:,} unchanged. New categories: {imported.categories_created:,}; new "
            f"ingredients: {imported.ingredients_created:,}."
        ))
        if imported.reclassified:
            self.stdout.write(f"Reclassified {imported.reclassified:,} product(s); each change is recorded.")
        if imported.products_created:
            self.stdout.write("New products have no leaflet yet: publish one in the admin to sell them.")
        if imported.without_clinical_coverage:
            self.stdout.write(self.style.WARNING(
                f"{len(imported.without_clinical_coverage):,} new product(s) without full clinical coverage; a "
                "superintendent must acknowledge each (admin, Clinical coverage reviews) before it is published "
                "as a pharmacy or prescription-only medicine:"
            ))
            for name, gaps in sorted(imported.without_clinical_coverage.items()):
                self.stdout.write(f"  {name}: {'; '.join(gaps)}")

    @staticmethod
    def record_refusal(path: str, started_at, catalog: CheckedCatalog, message: str) -> None:
        record_import_run(path=path, outcome=ImportOutcome.REFUSED, started_at=started_at, rows=catalog.rows,
                          message=message)

    def check_file(self, path: str, *, show_progress: bool) -> CheckedCatalog:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the TextIOWrapper below
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error.strerror}.") from error
        with tqdm(total=os.fstat(raw.fileno()).st_size, desc="Checking rows", unit="B", unit_scale=True,
                  file=sys.stderr, disable=not show_progress) as bar:
            reader = io.BufferedReader(_CountingReader(raw, bar.update))
            text = io.TextIOWrapper(reader, encoding="utf-8-sig", errors="surrogateescape", newline="")
            with text as stream:
                return check_catalog_csv(stream=stream)

    def report_errors(self, catalog: CheckedCatalog, *, path: str, errors_csv: str | None) -> None:
        self.stderr.write(f"{path}: {len(catalog.errors)} problem(s) in {catalog.rows:,} rows.")
        for error in catalog.errors:
            self.stderr.write(f"  {error}")
        if errors_csv:
            with open(errors_csv, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["row", "column", "reason", "value"])
                writer.writerows((e.row, e.column, e.reason, e.value) for e in catalog.errors)
            self.stderr.write(f"The problems are also in {errors_csv}.")
