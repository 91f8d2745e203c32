"""bench/generate_catalog.py writes a deterministic benchmark catalog that search finds, a batch at a time
from a stream of products, and refuses to write a second one into the same database."""

import io
import itertools
import random
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from bench.generate_catalog import (
    CATALOG_TABLES,
    _ingredient_names,
    foreign_keys_checked_once,
    generate_catalog_products,
    main,
    write_generated_catalog,
)
from catalog.models import LeafletRevision, Pack, Product, ProductSearchDocument, StockBatch, Strength
from catalog.selectors import search_products


def test_the_same_arguments_generate_the_same_catalog():
    first = list(generate_catalog_products(packs=300, seed=13))
    assert first == list(generate_catalog_products(packs=300, seed=13))
    assert first != list(generate_catalog_products(packs=300, seed=14))
    assert sum(len(product.packs) for product in first) == 300
    assert len({product.name for product in first}) == len(first)


def test_products_are_made_one_at_a_time_so_a_million_packs_never_sit_in_memory():
    stream = generate_catalog_products(packs=10**9, seed=13)
    first_ten = list(itertools.islice(stream, 10))
    assert [p.name for p in first_ten] == [p.name for p in generate_catalog_products(packs=10**4, seed=13)][:10]


def test_names_run_past_the_first_round_of_stems_without_repeating():
    # 17,280 names of one middle syllable cover about 120,000 packs; a million needs the second round.
    names = [name for name, _ in itertools.islice(_ingredient_names(random.Random(13)), 40_000)]
    assert len(names) == len(set(names)) == 40_000


@pytest.mark.django_db
def test_the_catalog_is_written_with_products_packs_leaflets_and_stock_that_search_finds():
    out = io.StringIO()
    assert main(["--packs", "300", "--batch", "25", "--no-progress"], stdout=out) == 0
    generated = list(generate_catalog_products(packs=300, seed=13))
    assert "Generated" in out.getvalue() and "300 packs" in out.getvalue() and "peak RSS" in out.getvalue()
    assert Pack.objects.count() == Strength.objects.count() == StockBatch.objects.count() == 300
    assert Product.objects.count() == ProductSearchDocument.objects.count() == len(generated)
    assert LeafletRevision.objects.published().count() == len(generated)
    assert all(revision.sections.count() == 6 for revision in LeafletRevision.objects.all()[:5])
    first = generated[0]
    pack = first.packs[0]
    stored = Pack.objects.select_related("product").get(sku=pack.sku)
    assert (stored.gtin, stored.price_amount, stored.product.name) == (pack.gtin, pack.price, first.name)
    assert stored.available_quantity == pack.units_on_hand

    by_name = search_products(search=first.ingredient).products
    assert first.name in [product.name for product in by_name[:5]]
    by_brand = search_products(search=first.brands[0]).products
    assert first.name in [product.name for product in by_brand[:10]]
    assert search_products(search=pack.gtin).pack.sku == pack.sku


@pytest.mark.django_db
def test_progress_is_told_of_every_batch_and_adds_up_to_the_packs():
    told = []
    products, packs = write_generated_catalog(packs=120, batch=10, progress=told.append)
    assert (products, packs) == (Product.objects.count(), 120)
    assert len(told) == -(-products // 10) and sum(told) == 120


@pytest.mark.django_db
def test_a_second_catalog_is_refused_and_nothing_is_written(capsys):
    assert main(["--packs", "20", "--no-progress"], stdout=io.StringIO()) == 0
    assert main(["--packs", "20", "--no-progress"], stdout=io.StringIO()) == 2
    assert "already loaded" in capsys.readouterr().err
    assert Pack.objects.count() == 20


def _catalog_foreign_keys() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [list(CATALOG_TABLES)],
        )
        return cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_documents_get_their_vector_and_every_foreign_key_is_back():
    keys = _catalog_foreign_keys()

    write_generated_catalog(packs=40, batch=5)

    assert not ProductSearchDocument.objects.filter(search_vector__isnull=True).exists()
    assert len(keys) >= 10 and _catalog_foreign_keys() == keys


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_row_whose_reference_is_missing_fails_when_its_foreign_key_is_added_back():
    keys = _catalog_foreign_keys()

    with pytest.raises(IntegrityError), transaction.atomic():
        with foreign_keys_checked_once(connection, CATALOG_TABLES):
            StockBatch.objects.create(pack_id=2_147_483_647, batch_number="L1", expiry_date=date(2030, 1, 1))

    assert _catalog_foreign_keys() == keys
    assert not StockBatch.objects.exists()
