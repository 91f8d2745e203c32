"""Writes the demo catalog (catalog/demo_data.py) so that running it again changes nothing.

Rows are upserted on their natural keys (category and product slug, pack SKU, ingredient name). Stock is
set only when a pack is first created, because orders and stock takes change it afterwards. A leaflet
revision is published only when the product has none or its current published text differs, so reloading
never piles up identical revisions (published revisions are immutable and order lines point at them).
"""

from dataclasses import dataclass

from django.db import transaction

from . import demo_data
from .demo_leaflets import LEAFLETS_REVISED_ON
from .models import Category, Ingredient, Pack, Product, Strength
from .selectors import get_current_leaflet_revision
from .services import SectionText, publish_new_leaflet_revision, refresh_search_documents, set_product_synonyms


@dataclass(frozen=True)
class DemoCatalogLoaded:
    products_created: int
    packs_created: int
    leaflets_published: int


@transaction.atomic
def load_demo_catalog() -> DemoCatalogLoaded:
    categories = {
        category.slug: Category.objects.update_or_create(
            slug=category.slug, defaults={"name": category.name, "description": category.description}
        )[0]
        for category in demo_data.CATEGORIES
    }
    products_created = packs_created = leaflets_published = 0
    product_ids: list[int] = []
    for data in demo_data.PRODUCTS:
        product, created = Product.objects.update_or_create(
            slug=data.slug,
            defaults={
                "name": data.name, "description": data.description, "legal_category": data.legal_category,
                "controlled_drug_schedule": data.controlled_drug_schedule, "dosage_form": data.dosage_form,
                "route": data.route, "atc_code": data.atc_code, "indications": data.indications,
                "is_active": True,
            },
        )
        products_created += created
        product.categories.set([categories[slug] for slug in data.categories])
        set_product_synonyms(product=product, names=data.also_known_as)
        for pack_data in data.packs:
            packs_created += _upsert_pack(product, pack_data)
        if _published_leaflet_differs(product, data.leaflet):
            publish_new_leaflet_revision(
                product=product, revised_on=LEAFLETS_REVISED_ON, sections=data.leaflet
            )
            leaflets_published += 1
        product_ids.append(product.pk)
    refresh_search_documents(product_ids=product_ids)
    return DemoCatalogLoaded(products_created, packs_created, leaflets_published)


def _upsert_pack(product: Product, data: demo_data.DemoPack) -> bool:
    defaults = {
        "product": product, "gtin": data.gtin, "pack_size": data.pack_size, "pack_unit": data.pack_unit,
        "price_amount": data.price, "currency": demo_data.CURRENCY, "max_per_order": data.max_per_order,
        "is_active": True,
    }
    pack, created = Pack.objects.update_or_create(
        sku=data.sku, defaults=defaults, create_defaults={**defaults, "stock_quantity": data.stock}
    )
    ingredient_ids = []
    for position, strength in enumerate(data.strengths):
        ingredient, _ = Ingredient.objects.get_or_create(name=strength.ingredient)
        ingredient_ids.append(ingredient.pk)
        Strength.objects.update_or_create(
            pack=pack, ingredient=ingredient,
            defaults={"amount": strength.amount, "unit": strength.unit, "per_amount": strength.per_amount,
                      "per_unit": strength.per_unit, "position": position},
        )
    pack.strengths.exclude(ingredient_id__in=ingredient_ids).delete()
    return created


def _published_leaflet_differs(product: Product, sections: tuple[SectionText, ...]) -> bool:
    current = get_current_leaflet_revision(product=product)
    if current is None:
        return True
    published = [SectionText(s.key, s.heading, s.body) for s in current.sections.all()]
    return published != list(sections)
