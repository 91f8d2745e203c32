"""`python manage.py generate_catalog --packs 100000 [--seed 13]`: a large deterministic catalog for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.generated_catalog import write_generated_catalog


class Command(BaseCommand):
    help = "Write a realistic, deterministic catalog of --packs packs (names, ingredients, brands, leaflets, stock)."

    def add_arguments(self, parser):
        parser.add_argument("--packs", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, packs: int, seed: int, **options):
        if packs < 1:
            raise CommandError("--packs must be 1 or more.")
        started = time.monotonic()
        try:
            products, written = write_generated_catalog(packs=packs, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if connection.vendor == "postgresql":
            # Fresh planner statistics: with the pre-load estimates PostgreSQL seq-scans packs and JIT-compiles
            # the list's prefetch (seconds per request at 100,000 packs) until autovacuum gets round to it.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE catalog_product, catalog_pack, catalog_stockbatch, catalog_strength, "
                               "catalog_productsynonym, catalog_productsearchdocument, catalog_leafletrevision, "
                               "catalog_leafletsection, catalog_product_categories")
        self.stdout.write(f"Generated {products} products and {written} packs in {time.monotonic() - started:.1f}s.")
