#!/usr/bin/env python
"""A large, realistic and deterministic catalog for benchmarks:

    python bench/generate_catalog.py --packs 1000000 [--seed 13] [--batch 2000]

It runs with the project's settings (DJANGO_SETTINGS_MODULE, default pharmacy.settings.local) against
DATABASE_URL, which should be a database of its own: it refuses to run twice on one database.

Medicine names are built from pharmacological stems ("lora" + "tadine", "ami" + "pril"), so a given
`--packs` and `--seed` always give the same products, packs, brands, GTINs, prices and stock. Each product
has 1-6 packs (strengths x pack sizes), one or two brand names, one active ingredient, a category, and one
published leaflet of six short templated sections (kept light: 6 rows per product).

The catalog is streamed: products are made one at a time and written `--batch` products at a time, so
memory stays flat whatever the size. On PostgreSQL each batch goes in with COPY, with ids taken from the
tables' own sequences, the tables' foreign keys dropped for the load and added back (checked in one join
each) at its end; elsewhere with plain multi-row INSERTs. Search documents get the same text as
catalog.services writes, and their full-text vector from the same expression (catalog.search). Everything
is written in one transaction, then the catalog cache version is bumped and the tables vacuumed and
analysed, so the planner knows their new size and index-only scans can skip the table.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages sit one directory up
    sys.path.insert(0, str(ROOT))

SKU_PREFIX = "GEN-"
SCRATCH_DOCUMENTS = "generated_search_documents"  # a temporary table of the generator's transaction
BATCH = 2000  # products per write; about 7,000 packs and 45,000 rows in all
PREFIXES = [
    "ab",
    "ami",
    "bexa",
    "cara",
    "cita",
    "dapo",
    "ezo",
    "fluvo",
    "gaba",
    "halo",
    "irbe",
    "keto",
    "lora",
    "mela",
    "nebi",
    "olme",
    "pravo",
    "quina",
    "rami",
    "sima",
    "telmi",
    "ulta",
    "vala",
    "xylo",
    "zafi",
    "brimo",
    "clopi",
    "dulo",
    "etori",
    "fexo",
    "glime",
    "hydro",
    "indo",
    "lanso",
    "meto",
    "napro",
]
# Never empty: every name has a middle syllable, so none is a real medicine of the demo catalog.
MIDDLES = [
    "ca",
    "de",
    "fi",
    "lo",
    "mi",
    "no",
    "ri",
    "so",
    "ti",
    "va",
    "xe",
    "bu",
    "ce",
    "du",
    "ga",
    "ko",
    "le",
    "mu",
    "pe",
    "ro",
    "su",
    "te",
    "vi",
    "zo",
]
STEMS = [
    ("pril", "Heart and blood pressure"),
    ("sartan", "Heart and blood pressure"),
    ("olol", "Heart and blood pressure"),
    ("statin", "Heart and blood pressure"),
    ("prazole", "Stomach and digestion"),
    ("tidine", "Allergy and hay fever"),
    ("profen", "Pain relief"),
    ("coxib", "Pain relief"),
    ("oxetine", "Mental health"),
    ("pramine", "Mental health"),
    ("cycline", "Infections"),
    ("floxacin", "Infections"),
    ("azole", "Infections"),
    ("gliptin", "Diabetes"),
    ("formin", "Diabetes"),
    ("lukast", "Respiratory"),
    ("terol", "Respiratory"),
    ("sone", "Skin"),
    ("triptan", "Pain relief"),
    ("semide", "Heart and blood pressure"),
]
BRAND_ENDINGS = ["ex", "ix", "on", "al", "ra", "um", "yl", "ia", "or", "en"]
FORMS = [
    ("tablet", "tablets", "tablets", "oral"),
    ("capsule", "capsules", "capsules", "oral"),
    ("oral_solution", "oral solution", "mL", "oral"),
    ("cream", "cream", "g", "topical"),
]
STRENGTHS = [Decimal(s) for s in ("1", "2.5", "5", "10", "20", "25", "40", "50", "100", "200", "250", "500")]
PACK_SIZES = [7, 14, 28, 30, 56, 84, 100]
USES = {
    "Heart and blood pressure": "high blood pressure",
    "Stomach and digestion": "heartburn and indigestion",
    "Allergy and hay fever": "hay fever and allergies",
    "Pain relief": "pain and fever",
    "Mental health": "low mood",
    "Infections": "infections",
    "Diabetes": "type 2 diabetes",
    "Respiratory": "asthma and wheeze",
    "Skin": "eczema and itchy skin",
}
LEGAL_CATEGORIES = ["prescription", "pharmacy", "general_sale"]  # catalog.models.LegalCategory values
PER_AMOUNT = {"oral_solution": (Decimal("5"), "mL")}  # oral solutions: so many mg per 5 mL
LEAFLET_REVISED_ON = date(2026, 1, 1)


@dataclass(frozen=True)
class GeneratedPack:
    sku: str
    gtin: str
    strength: Decimal
    pack_size: int
    price: Decimal
    units_on_hand: int


@dataclass(frozen=True)
class GeneratedProduct:
    name: str
    slug: str
    ingredient: str
    brands: tuple[str, ...]
    category: str
    legal_category: str
    dosage_form: str
    route: str
    pack_unit: str
    indications: str
    packs: tuple[GeneratedPack, ...]


# --- The catalog as data ---------------------------------------------------------------------------------


def _ingredient_names(rng: random.Random) -> Iterator[tuple[str, str]]:
    """17,280 names of prefix + middle + stem, then 414,720 more with a second middle syllable (about 3
    million packs in all). The second round is made one syllable at a time, so no list of them is kept."""
    combos = list(itertools.product(PREFIXES, MIDDLES, STEMS))
    rng.shuffle(combos)
    for prefix, middle, (stem, category) in combos:
        yield prefix + middle + stem, category
    seconds = MIDDLES[:]
    rng.shuffle(seconds)
    for second in seconds:
        rng.shuffle(combos)
        for prefix, middle, (stem, category) in combos:
            yield prefix + middle + second + stem, category
    raise ValueError("more products than the name stems can make")


def generate_catalog_products(*, packs: int, seed: int = 13) -> Iterator[GeneratedProduct]:
    """The catalog for `packs` packs, one product at a time, the same every time for the same arguments."""
    from django.utils.text import slugify

    from catalog.identifiers import make_gtin13  # Django must be set up before catalog is imported

    rng = random.Random(seed)
    names = _ingredient_names(rng)
    made = 0
    while made < packs:
        ingredient, category = next(names)
        for form, form_label, pack_unit, route in rng.sample(FORMS, k=rng.randint(1, 3)):
            if made >= packs:
                break
            count = min(rng.randint(1, 6), packs - made)
            strengths = sorted(rng.sample(STRENGTHS, k=min(count, 3)))
            sizes = sorted(rng.sample(PACK_SIZES, k=2))
            combos = list(itertools.product(strengths, sizes))[:count]
            legal = rng.choices(LEGAL_CATEGORIES, weights=[5, 3, 2])[0]
            generated_packs = []
            for strength, size in combos:
                made += 1
                price = (Decimal(rng.randint(149, 4999)) / 100).quantize(Decimal("0.01"))
                generated_packs.append(
                    GeneratedPack(
                        sku=f"{SKU_PREFIX}{made:06d}",
                        gtin=make_gtin13(f"27{made:010d}"),
                        strength=strength,
                        pack_size=size,
                        price=price,
                        units_on_hand=0 if rng.random() < 0.08 else rng.randint(1, 500),
                    )
                )
            name = f"{ingredient.capitalize()} {form_label}"
            brands = tuple(
                sorted(
                    {
                        (ingredient[: rng.randint(3, 5)] + rng.choice(BRAND_ENDINGS)).capitalize()
                        for _ in range(rng.randint(1, 2))
                    }
                )
            )
            uses = f"Used for {USES[category]}." if legal != "prescription" else ""
            yield GeneratedProduct(
                name=name,
                slug=slugify(name),
                ingredient=ingredient,
                brands=brands,
                category=category,
                legal_category=legal,
                dosage_form=form,
                route=route,
                pack_unit=pack_unit,
                indications=uses,
                packs=tuple(generated_packs),
            )


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# --- Writing rows in bulk ----------------------------------------------------------------------------------


class _Table:
    """Rows of one model's table written in bulk, bypassing model instances: each row gives the fields it
    sets (by attname, already database values), and every other column takes the model's default as the
    ORM would write it (auto_now dates included)."""

    def __init__(self, model, connection, *, table: str | None = None):
        self.model, self.connection = model, connection
        self.fields = list(model._meta.concrete_fields)
        template = model()
        self.defaults = {
            field.attname: field.get_db_prep_save(field.pre_save(template, add=True), connection)
            for field in self.fields
        }
        self.table = connection.ops.quote_name(table or model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        self.postgresql = connection.vendor == "postgresql"

    def row(self, **values) -> tuple:
        if self.postgresql:  # psycopg adapts Decimal, date, str and bool itself
            return tuple(values[f.attname] if f.attname in values else self.defaults[f.attname] for f in self.fields)
        return tuple(
            f.get_db_prep_save(values[f.attname], self.connection) if f.attname in values else self.defaults[f.attname]
            for f in self.fields
        )

    def next_ids(self, count: int) -> list[int]:
        """`count` fresh primary keys from the table's own sequence (PostgreSQL), or after its largest."""
        if count == 0:
            return []
        with self.connection.cursor() as cursor:
            if self.postgresql:
                # One block of ids moves the sequence on in one step instead of `count` nextval() calls. The
                # generator writes into a database of its own, so no other session takes ids meanwhile.
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
                    [self.model._meta.db_table, self.model._meta.db_table, count - 1],
                )
                last = cursor.fetchone()[0]
                return list(range(last - count + 1, last + 1))
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.postgresql:
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})", rows)


class CatalogWriter:
    """Writes generated products a batch at a time; ids come from the tables, so each batch's rows refer
    to each other without reading anything back."""

    def __init__(self, connection):
        from catalog.models import (
            Category,
            Ingredient,
            LeafletRevision,
            LeafletSection,
            LeafletSectionKey,
            Pack,
            Product,
            ProductSearchDocument,
            ProductSynonym,
            StockBatch,
            Strength,
        )

        self.connection = connection
        self.Ingredient, self.ProductSearchDocument = Ingredient, ProductSearchDocument
        self.tables = {
            model: _Table(model, connection)
            for model in (
                Ingredient,
                Product,
                Product.categories.through,
                ProductSynonym,
                Pack,
                Strength,
                StockBatch,
                LeafletRevision,
                LeafletSection,
                ProductSearchDocument,
            )
        }
        self.Product, self.Pack, self.Strength, self.StockBatch = Product, Pack, Strength, StockBatch
        self.ProductSynonym, self.LeafletRevision, self.LeafletSection = ProductSynonym, LeafletRevision, LeafletSection
        self.Links = Product.categories.through
        self.section_keys = list(LeafletSectionKey.choices)
        self.categories: dict[str, int] = {}
        self.expiry = None
        self.Category = Category
        self.analysed: set[str] = set()
        self.documents_insert: tuple[str, list] | None = None

    def analyse_once(self, *tables: str) -> None:
        """Statistics for tables still empty when the planner last looked. The trigger that guards published
        leaflets looks up each new section's revision by id: planned for an empty table, that is a scan of
        every revision per section, quadratic in the catalog's size. Once the table has statistics the
        planner scales them with its size, so once is enough."""
        tables = tuple(table for table in tables if table not in self.analysed)
        if tables and self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        self.analysed.update(tables)

    def category_id(self, name: str) -> int:
        if name not in self.categories:
            from django.utils.text import slugify

            self.categories[name] = self.Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[
                0
            ].pk
        return self.categories[name]

    def write(self, products: list[GeneratedProduct]) -> list[int]:
        """Write one batch; returns the new products' ids."""
        from django.utils import timezone

        from catalog.search import document_values

        t = self.tables
        self.expiry = self.expiry or timezone.localdate() + timedelta(days=540)
        ingredient_ids = dict(
            self.Ingredient.objects.filter(name__in={p.ingredient for p in products}).values_list("name", "pk")
        )
        new_ingredients = sorted({p.ingredient for p in products} - ingredient_ids.keys())
        ingredient_ids.update(zip(new_ingredients, t[self.Ingredient].next_ids(len(new_ingredients)), strict=True))
        t[self.Ingredient].write(
            [t[self.Ingredient].row(id=ingredient_ids[name], name=name) for name in new_ingredients]
        )

        product_ids = t[self.Product].next_ids(len(products))
        t[self.Product].write(
            [
                t[self.Product].row(
                    id=pk,
                    name=p.name,
                    slug=p.slug,
                    legal_category=p.legal_category,
                    dosage_form=p.dosage_form,
                    route=p.route,
                    indications=p.indications,
                    description=f"{p.name}, generated for benchmarks.",
                )
                for pk, p in zip(product_ids, products, strict=True)
            ]
        )
        links = t[self.Links]
        link_ids = links.next_ids(len(products))
        links.write(
            [
                links.row(id=link_id, product_id=pk, category_id=self.category_id(p.category))
                for link_id, pk, p in zip(link_ids, product_ids, products, strict=True)
            ]
        )
        brands = [(pk, brand) for pk, p in zip(product_ids, products, strict=True) for brand in p.brands]
        synonyms = t[self.ProductSynonym]
        synonyms.write(
            [
                synonyms.row(id=synonym_id, product_id=pk, name=brand)
                for synonym_id, (pk, brand) in zip(synonyms.next_ids(len(brands)), brands, strict=True)
            ]
        )

        packs = [(pk, p, pack) for pk, p in zip(product_ids, products, strict=True) for pack in p.packs]
        pack_ids = t[self.Pack].next_ids(len(packs))
        t[self.Pack].write(
            [
                t[self.Pack].row(
                    id=pack_id,
                    product_id=pk,
                    sku=pack.sku,
                    gtin=pack.gtin,
                    pack_size=pack.pack_size,
                    pack_unit=p.pack_unit,
                    price_amount=pack.price,
                    currency="GBP",
                )
                for pack_id, (pk, p, pack) in zip(pack_ids, packs, strict=True)
            ]
        )
        strengths, batches = t[self.Strength], t[self.StockBatch]
        strengths.write(
            [
                strengths.row(
                    id=row_id,
                    pack_id=pack_id,
                    ingredient_id=ingredient_ids[p.ingredient],
                    amount=pack.strength,
                    unit="mg",
                    per_amount=PER_AMOUNT.get(p.dosage_form, (None, ""))[0],
                    per_unit=PER_AMOUNT.get(p.dosage_form, (None, ""))[1],
                )
                for row_id, pack_id, (_, p, pack) in zip(strengths.next_ids(len(packs)), pack_ids, packs, strict=True)
            ]
        )
        batches.write(
            [
                batches.row(
                    id=row_id,
                    pack_id=pack_id,
                    batch_number=f"L{pack.sku[len(SKU_PREFIX) :]}",
                    expiry_date=self.expiry,
                    quantity_on_hand=pack.units_on_hand,
                )
                for row_id, pack_id, (_, _, pack) in zip(batches.next_ids(len(packs)), pack_ids, packs, strict=True)
            ]
        )
        self._write_leaflets(products, product_ids)
        documents = t[self.ProductSearchDocument]
        self._write_documents(
            [
                documents.row(
                    product_id=pk,
                    **document_values(
                        name=p.name,
                        legal_category=p.legal_category,
                        ingredients=[p.ingredient],
                        synonyms=p.brands,
                        indications=p.indications,
                    ),
                )
                for pk, p in zip(product_ids, products, strict=True)
            ]
        )
        self.analyse_once(*CATALOG_TABLES)
        return product_ids

    def _write_documents(self, rows: list[tuple]) -> None:
        """Search documents with their full-text vector. On PostgreSQL the rows are copied into a scratch
        table and inserted from it with the vector computed by catalog.search's own expression: each row
        is written once, where copying it in and then updating its vector wrote it and its six GIN index
        entries (trigrams of five texts) twice."""
        documents = self.tables[self.ProductSearchDocument]
        if self.connection.vendor != "postgresql":
            documents.write(rows)
            return
        if self.documents_insert is None:
            self.documents_insert = self._documents_insert_sql()
        _Table(self.ProductSearchDocument, self.connection, table=SCRATCH_DOCUMENTS).write(rows)
        with self.connection.cursor() as cursor:
            cursor.execute(*self.documents_insert)
            cursor.execute(f"TRUNCATE {self.connection.ops.quote_name(SCRATCH_DOCUMENTS)}")

    def _documents_insert_sql(self) -> tuple[str, list]:
        """INSERT INTO the documents SELECT every column but the vector, and the vector from
        catalog.search.search_vector(), FROM the scratch table (under the documents' name, so the compiled
        expression's column references hold)."""
        from catalog.search import search_vector

        quote = self.connection.ops.quote_name
        fields = [f for f in self.tables[self.ProductSearchDocument].fields if f.name != "search_vector"]
        query = self.ProductSearchDocument.objects.annotate(generated_vector=search_vector()).values_list(
            *(f.attname for f in fields), "generated_vector"
        )
        select, params = query.query.get_compiler(connection=self.connection).as_sql()
        table = quote(self.ProductSearchDocument._meta.db_table)
        select = select.replace(f"FROM {table}", f"FROM {quote(SCRATCH_DOCUMENTS)} AS {table}", 1)
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {quote(SCRATCH_DOCUMENTS)} (LIKE {table}) ON COMMIT DROP")
        vector = self.ProductSearchDocument._meta.get_field("search_vector")
        columns = ", ".join(quote(f.column) for f in [*fields, vector])
        return f"INSERT INTO {table} ({columns}) {select}", list(params)

    def _write_leaflets(self, products: list[GeneratedProduct], product_ids: list[int]) -> None:
        """One published revision per product, six short sections from one template. Written as drafts and
        then published in one update: the database refuses sections added to a published revision."""
        from django.utils import timezone

        revisions, sections = self.tables[self.LeafletRevision], self.tables[self.LeafletSection]
        revision_ids = revisions.next_ids(len(products))
        revisions.write(
            [
                revisions.row(id=revision_id, product_id=pk, number=1, revised_on=LEAFLET_REVISED_ON)
                for revision_id, pk in zip(revision_ids, product_ids, strict=True)
            ]
        )
        self.analyse_once("catalog_leafletrevision")
        rows = []
        section_ids = iter(sections.next_ids(len(products) * len(self.section_keys)))
        for revision_id, p in zip(revision_ids, products, strict=True):
            for position, (key, label) in enumerate(self.section_keys):
                body = f"{label} ({p.name}). {p.indications or 'Your doctor will explain what it is for.'}"
                rows.append(
                    sections.row(
                        id=next(section_ids),
                        revision_id=revision_id,
                        key=key,
                        position=position,
                        heading=f"{position + 1}. {label}",
                        body=body,
                    )
                )
        sections.write(rows)
        self.LeafletRevision.objects.filter(pk__in=revision_ids).update(published_at=timezone.now())


@contextmanager
def leaflet_section_guard_off(connection):
    """Leaflet sections are written to revisions still drafts, which the guard on sections (catalog 0002)
    accepts one row at a time: an index lookup per row, a quarter of a 100,000-pack run. The guard is set
    aside for the generator's one transaction, so a failure restores it. PostgreSQL refuses to alter a
    table with checks still queued for it, so the deferred foreign-key checks run first (at the end they
    would run at the commit anyway)."""
    if connection.vendor != "postgresql":
        yield
        return
    statement = "ALTER TABLE catalog_leafletsection {} TRIGGER catalog_published_sections_are_immutable"
    with connection.cursor() as cursor:
        cursor.execute(statement.format("DISABLE"))
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement.format("ENABLE"))


@contextmanager
def foreign_keys_checked_once(connection, tables):
    """The foreign keys of `tables` are dropped for the load and added back after it, as PostgreSQL's
    "Populating a Database" advises: adding one checks every row in one join, where a kept key queues a
    check per row (6 million at a million packs) and runs them one lookup at a time at the commit, a fifth
    of the database's work. Everything happens in the generator's one transaction, so a failure, or a row
    whose reference is missing, restores the keys with the rest."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [list(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


CATALOG_TABLES = (
    "catalog_product",
    "catalog_pack",
    "catalog_stockbatch",
    "catalog_strength",
    "catalog_ingredient",
    "catalog_productsynonym",
    "catalog_productsearchdocument",
    "catalog_leafletrevision",
    "catalog_leafletsection",
    "catalog_product_categories",
)


def write_generated_catalog(
    *, packs: int, seed: int = 13, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Write the generated catalog; returns (products, packs). Refuses if one is already there.
    `progress(n)` is told of every n packs written."""
    from django.db import connection, transaction

    from catalog.cache import bump_catalog_version
    from catalog.models import Pack

    if packs < 1:
        raise ValueError("--packs must be 1 or more.")
    with transaction.atomic():
        if Pack.objects.filter(sku__startswith=SKU_PREFIX).exists():
            raise ValueError("A generated catalog is already loaded (packs GEN-...): use a fresh database.")
        writer = CatalogWriter(connection)
        products = written = 0
        with foreign_keys_checked_once(connection, CATALOG_TABLES), leaflet_section_guard_off(connection):
            for chunk in _batches(generate_catalog_products(packs=packs, seed=seed), batch):
                writer.write(chunk)
                chunk_packs = sum(len(p.packs) for p in chunk)
                products, written = products + len(chunk), written + chunk_packs
                if progress:
                    progress(chunk_packs)
        bump_catalog_version()  # every cached catalog page is stale now
    refresh_planner_statistics(connection)
    return products, written


def refresh_planner_statistics(connection) -> None:
    """Fresh planner statistics, or PostgreSQL keeps its pre-load estimates (a sequential scan of packs and
    seconds of JIT compilation per list) until autovacuum gets round to it. Outside a transaction, VACUUM
    too: it marks the pages all-visible (index-only scans then skip the table) and folds the new rows into
    the GIN indexes."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(CATALOG_TABLES)
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
        # A snapshot taken before the load committed (autovacuum's own ANALYZE, started as the rows arrived)
        # keeps VACUUM from marking their pages all-visible; the planner then prices index-only scans as
        # reading the table too, and counts the products with a sequential scan. Vacuum again once it ends.
        for _ in range(30):
            cursor.execute("SELECT bool_and(relallvisible >= relpages) FROM pg_class WHERE relname = ANY(%s)",
                           [list(CATALOG_TABLES)])
            if cursor.fetchone()[0]:
                return
            time.sleep(1)
            cursor.execute(f"VACUUM {tables}")


def peak_rss_mib() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None, *, stdout=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a realistic, deterministic catalog of --packs packs "
        "(names, ingredients, brands, leaflets, stock)."
    )
    parser.add_argument("--packs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch", type=int, default=BATCH, help="products per write")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    arguments = parser.parse_args(argv)
    stdout = stdout or sys.stdout

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.local")
    import django

    django.setup()
    from tqdm import tqdm

    started = time.monotonic()
    with tqdm(
        total=arguments.packs,
        unit="pack",
        unit_scale=True,
        file=sys.stderr,
        mininterval=1,
        disable=arguments.no_progress,
    ) as bar:
        try:
            products, written = write_generated_catalog(
                packs=arguments.packs, seed=arguments.seed, batch=arguments.batch, progress=bar.update
            )
        except ValueError as error:
            print(f"generate_catalog: {error}", file=sys.stderr)
            return 2
    print(
        f"Generated {products} products and {written} packs in {time.monotonic() - started:.1f}s; "
        f"peak RSS {peak_rss_mib():.0f} MiB.",
        file=stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
