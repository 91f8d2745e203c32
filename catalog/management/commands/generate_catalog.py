"""`python manage.py generate_catalog --packs 100000 [--seed 13]`: a large deterministic catalog for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

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
        self.stdout.write(f"Generated {products} products and {written} packs in {time.monotonic() - started:.1f}s.")
