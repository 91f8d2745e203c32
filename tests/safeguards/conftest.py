"""A paracetamol shelf like the demo's (16 GSL, 32 P, co-codamol P), the demo purchase limits, and the
warning-sign rules on (transactional tests elsewhere may flush the rows migration 0001 creates)."""

from decimal import Decimal

import pytest

from catalog.models import Ingredient, Strength
from safeguards.demo import load_demo_purchase_limits
from tests.factories import PackFactory, ProductFactory


@pytest.fixture
def para16(db):
    product = ProductFactory(name="Paracetamol tablets", slug="paracetamol-tablets", atc_code="N02BE01")
    return PackFactory(product=product, sku="PARA-16", pack_size=16, price_amount=Decimal("0.89"),
                       stock_quantity=500, strength=Decimal("500"))


@pytest.fixture
def para32(db):
    product = ProductFactory(name="Paracetamol pharmacy-pack tablets", slug="paracetamol-p-tablets",
                             legal_category="pharmacy", atc_code="N02BE01")
    return PackFactory(product=product, sku="PARA-32", pack_size=32, price_amount=Decimal("2.49"),
                       stock_quantity=500, strength=Decimal("500"))


@pytest.fixture
def cocodamol(db):
    product = ProductFactory(name="Co-codamol tablets", slug="co-codamol-tablets", legal_category="pharmacy",
                             atc_code="N02AJ06")
    pack = PackFactory(product=product, sku="COCO-32", pack_size=32, stock_quantity=200, strength=Decimal("8"))
    paracetamol, _ = Ingredient.objects.get_or_create(name="paracetamol")
    Strength.objects.create(pack=pack, ingredient=paracetamol, amount=Decimal("500"), unit="mg", position=1)
    return pack


@pytest.fixture
def limits(db, para16):
    load_demo_purchase_limits()


