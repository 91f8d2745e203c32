"""Issue 13.2: `manage.py generate_catalog` writes a deterministic benchmark catalog that search finds."""

import io

import pytest
from django.core.management import call_command

from catalog.generated_catalog import generate_catalog_products
from catalog.models import LeafletRevision, Pack, Product, ProductSearchDocument, StockBatch, Strength
from catalog.selectors import search_products

pytestmark = pytest.mark.django_db


def test_the_same_arguments_generate_the_same_catalog():
    first = generate_catalog_products(packs=300, seed=13)
    assert first == generate_catalog_products(packs=300, seed=13)
    assert first != generate_catalog_products(packs=300, seed=14)
    assert sum(len(product.packs) for product in first) == 300
    assert len({product.name for product in first}) == len(first)


def test_generate_catalog_writes_products_packs_leaflets_and_stock_that_search_finds():
    out = io.StringIO()
    call_command("generate_catalog", "--packs", "300", stdout=out)
    generated = generate_catalog_products(packs=300, seed=13)
    assert "300 packs" in out.getvalue()
    assert Pack.objects.count() == Strength.objects.count() == StockBatch.objects.count() == 300
    assert Product.objects.count() == ProductSearchDocument.objects.count() == len(generated)
    assert LeafletRevision.objects.published().count() == len(generated)
    first = generated[0]
    pack = first.packs[0]
    stored = Pack.objects.get(sku=pack.sku)
    assert (stored.gtin, stored.price_amount, stored.product.name) == (pack.gtin, pack.price, first.name)

    by_name = search_products(search=first.ingredient).products
    assert first.name in [product.name for product in by_name[:5]]
    by_brand = search_products(search=first.brands[0]).products
    assert first.name in [product.name for product in by_brand[:10]]
    by_gtin = search_products(search=pack.gtin)
    assert by_gtin.pack.sku == pack.sku


def test_generate_catalog_refuses_to_run_twice():
    call_command("generate_catalog", "--packs", "20", stdout=io.StringIO())
    with pytest.raises(Exception, match="already loaded"):
        call_command("generate_catalog", "--packs", "20", stdout=io.StringIO())
    assert Pack.objects.count() == 20
