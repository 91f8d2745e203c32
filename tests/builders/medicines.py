"""Demo-like medicines for the clinical tests: the packs' ingredients and ATC codes are what the rules match."""

from decimal import Decimal

from django.utils.text import slugify

from catalog.models import Ingredient, Strength
from tests.factories import PackFactory, ProductFactory

MEDICINES = {
    # sku: (product name, ATC code, legal category, ((ingredient, mg), ...), pack size, minimum age)
    "BAC-10-84": ("Baclofen tablets", "M03BX01", "prescription", (("baclofen", "10"),), 84, None),
    "IBU-200-16": ("Ibuprofen tablets", "M01AE01", "general_sale", (("ibuprofen", "200"),), 16, None),
    "PARA-500-16": ("Paracetamol tablets", "N02BE01", "general_sale", (("paracetamol", "500"),), 16, None),
    "PARA-500-32": ("Paracetamol caplets", "N02BE01", "general_sale", (("paracetamol", "500"),), 32, None),
    "COCO-8-500-32": ("Co-codamol tablets", "N02AJ06", "pharmacy",
                      (("codeine phosphate", "8"), ("paracetamol", "500")), 32, None),
    "AMOX-500-21": ("Amoxicillin capsules", "J01CA04", "prescription", (("amoxicillin", "500"),), 21, None),
}


def medicine_pack(sku: str, **overrides):
    name, atc, category, strengths, size, minimum_age = MEDICINES[sku]
    return build_medicine_pack(sku=sku, name=name, atc=atc, category=category, size=size,
                               strengths=[(ingredient, amount, "mg") for ingredient, amount in strengths],
                               minimum_age=overrides.pop("minimum_age", minimum_age), **overrides)


def build_medicine_pack(*, sku: str, name: str, atc: str, category: str, strengths, size: int,
                        minimum_age: int | None = None, **overrides):
    """A product and pack of `name`, with its real ingredients: `strengths` is [(ingredient, amount, unit)]."""
    product = ProductFactory(name=name, slug=slugify(name), atc_code=atc, legal_category=category,
                             minimum_age=minimum_age)
    pack = PackFactory(product=product, sku=sku, pack_size=size, stock_quantity=200, **overrides)
    pack.strengths.all().delete()  # the factory's guess from the product name; these are the real ones
    for position, (ingredient, amount, unit) in enumerate(strengths):
        Strength.objects.create(pack=pack, ingredient=Ingredient.objects.get_or_create(name=ingredient)[0],
                                amount=Decimal(str(amount)), unit=unit, position=position)
    return pack


def medicine_pack_of(pack, *, sku: str, pack_size: int):
    """Another pack of `pack`'s medicine and strength (28 tablets beside 84)."""
    other = PackFactory(product=pack.product, sku=sku, pack_size=pack_size, stock_quantity=200)
    other.strengths.all().delete()
    for strength in pack.strengths.all():
        Strength.objects.create(pack=other, ingredient=strength.ingredient, amount=strength.amount,
                                unit=strength.unit, position=strength.position)
    return other
