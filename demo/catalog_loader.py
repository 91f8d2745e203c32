"""Writes the demo catalog (demo/catalog.yaml and demo/leaflets/, read by demo/catalog_data.py) so that running
it again changes nothing.

Rows are upserted on their natural keys (category and product slug, pack SKU, ingredient name). Stock is
set only when a pack is first created, because orders and stock takes change it afterwards. A leaflet
revision is published only when the product has none or its current published text differs, so reloading
never piles up identical revisions (published revisions are immutable and order lines point at them).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Category,
    ConsultationQuestion,
    ConsultationQuestionnaire,
    Ingredient,
    Pack,
    Product,
    StockBatch,
    Strength,
)
from catalog.selectors import get_current_leaflet_revision
from catalog.services import SectionText, publish_new_leaflet_revision, refresh_search_documents, set_product_synonyms

from . import catalog_data


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
        for category in catalog_data.CATEGORIES
    }
    products_created = packs_created = leaflets_published = 0
    product_ids: list[int] = []
    for data in catalog_data.PRODUCTS:
        product, created = Product.objects.update_or_create(
            slug=data.slug,
            defaults={
                "name": data.name, "description": data.description, "legal_category": data.legal_category,
                "controlled_drug_schedule": data.controlled_drug_schedule, "dosage_form": data.dosage_form,
                "route": data.route, "atc_code": data.atc_code, "indications": data.indications,
                "is_active": True, "minimum_age": data.minimum_age,
            },
        )
        products_created += created
        product.categories.set([categories[slug] for slug in data.categories])
        set_product_synonyms(product=product, names=data.also_known_as)
        for pack_data in data.packs:
            packs_created += _upsert_pack(product, pack_data)
        if _published_leaflet_differs(product, data.leaflet):
            publish_new_leaflet_revision(
                product=product, revised_on=catalog_data.LEAFLETS_REVISED_ON, sections=data.leaflet
            )
            leaflets_published += 1
        product_ids.append(product.pk)
    refresh_search_documents(product_ids=product_ids)
    _load_consultations(categories)
    return DemoCatalogLoaded(products_created, packs_created, leaflets_published)


def _load_consultations(categories: dict[str, Category]) -> None:
    """Questionnaires by name; their questions are rewritten to match the demo data exactly."""
    for data in catalog_data.CONSULTATIONS:
        questionnaire, _ = ConsultationQuestionnaire.objects.update_or_create(
            name=data.name, defaults={"is_active": True}
        )
        questionnaire.products.set(Product.objects.filter(slug__in=data.products))
        questionnaire.categories.set([categories[slug] for slug in data.categories])
        wanted = [
            {"position": position, "text": q.text, "help_text": q.help_text, "answer_type": q.answer_type,
             "choices": "\n".join(q.choices), "required": q.required}
            for position, q in enumerate(data.questions)
        ]
        current = list(questionnaire.questions.order_by("position", "pk").values(
            "position", "text", "help_text", "answer_type", "choices", "required"
        ))
        if current != wanted:  # unchanged questions keep their ids (answers snapshot the text anyway)
            questionnaire.questions.all().delete()
            ConsultationQuestion.objects.bulk_create(
                ConsultationQuestion(questionnaire=questionnaire, **values) for values in wanted
            )


def _upsert_pack(product: Product, data: catalog_data.DemoPack) -> bool:
    defaults = {
        "product": product, "gtin": data.gtin, "pack_size": data.pack_size, "pack_unit": data.pack_unit,
        "price_amount": data.price, "currency": catalog_data.CURRENCY, "max_per_order": data.max_per_order,
        "is_active": True,
    }
    pack, created = Pack.objects.update_or_create(sku=data.sku, defaults=defaults)
    if created:
        today = timezone.localdate()
        StockBatch.objects.bulk_create(
            StockBatch(pack=pack, batch_number=number, expiry_date=today + timedelta(days=days), quantity_on_hand=units)
            for number, days, units in data.batches()
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
