"""The demo catalog's pharmacy-only (P) medicines come with consultation questions, and co-codamol with
its minimum age."""

import io

import pytest
from django.core.management import call_command

from catalog.models import LegalCategory, Product
from catalog.selectors import consultation_questions_for

pytestmark = pytest.mark.django_db


def test_every_demo_p_medicine_has_consultation_questions_and_reloading_keeps_them():
    call_command("load_demo_catalog", stdout=io.StringIO())
    p_products = list(Product.objects.filter(legal_category=LegalCategory.PHARMACY))
    questions = consultation_questions_for(product_ids=[product.pk for product in p_products])
    assert p_products and all(questions[product.pk] for product in p_products)
    texts = {product.slug: " ".join(q.text for q in questions[product.pk]) for product in p_products}
    assert "3 days" in texts["co-codamol-tablets"] and "under 12" in texts["co-codamol-tablets"]
    assert "over 55" in texts["omeprazole-capsules"] and "swallowing" in texts["omeprazole-capsules"]
    assert "weight loss" in texts["omeprazole-capsules"]
    assert "paracetamol" in texts["paracetamol-pharmacy-pack-tablets"]
    assert Product.objects.get(slug="co-codamol-tablets").minimum_age == 12
    ids = {product.pk: [q.pk for q in questions[product.pk]] for product in p_products}

    call_command("load_demo_catalog", stdout=io.StringIO())
    again = consultation_questions_for(product_ids=list(ids))
    assert {pk: [q.pk for q in qs] for pk, qs in again.items()} == ids
