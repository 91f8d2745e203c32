"""Legal category and the prescription flag cannot disagree: the flag is derived, and the database
refuses controlled drugs of Schedules 1-4 outside prescription-only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import LegalCategory, Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("legal_category", "prescription_required"),
    [
        (LegalCategory.GENERAL_SALE, False),
        (LegalCategory.PHARMACY, False),
        (LegalCategory.PRESCRIPTION, True),
    ],
)
def test_prescription_required_follows_the_legal_category(legal_category, prescription_required):
    product = ProductFactory(legal_category=legal_category, leaflet=False)

    assert Product.objects.get(pk=product.pk).prescription_required is prescription_required


def test_changing_the_legal_category_changes_the_prescription_flag():
    product = ProductFactory(legal_category=LegalCategory.PHARMACY, leaflet=False)

    product.legal_category = LegalCategory.PRESCRIPTION
    product.save()

    assert Product.objects.get(pk=product.pk).prescription_required is True
    Product.objects.filter(pk=product.pk).update(legal_category=LegalCategory.GENERAL_SALE)
    assert Product.objects.get(pk=product.pk).prescription_required is False


def test_prescription_required_is_not_a_stored_field_that_could_drift():
    assert "prescription_required" not in {field.name for field in Product._meta.get_fields()}


def test_database_refuses_schedule_3_on_a_general_sale_product():
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(name="Tramadol capsules", slug="tramadol-capsules", dosage_form="capsule",
                               legal_category=LegalCategory.GENERAL_SALE, controlled_drug_schedule=3)

    assert not Product.objects.filter(slug="tramadol-capsules").exists()


def test_database_refuses_moving_a_schedule_3_product_out_of_prescription_only():
    product = ProductFactory(legal_category=LegalCategory.PRESCRIPTION, controlled_drug_schedule=3,
                             leaflet=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(legal_category=LegalCategory.PHARMACY)

    assert Product.objects.get(pk=product.pk).legal_category == LegalCategory.PRESCRIPTION


def test_schedule_5_may_be_a_pharmacy_medicine():
    product = ProductFactory(legal_category=LegalCategory.PHARMACY, controlled_drug_schedule=5, leaflet=False)

    assert (product.prescription_required, product.is_controlled_drug) == (False, True)


def test_database_refuses_an_unknown_legal_category():
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(name="Odd tablets", slug="odd-tablets", dosage_form="tablet",
                               legal_category="otc")

    assert not Product.objects.filter(slug="odd-tablets").exists()


def test_model_validation_reports_schedule_3_on_a_pharmacy_medicine():
    product = Product(name="Tramadol capsules", slug="tramadol-capsules", dosage_form="capsule",
                      legal_category=LegalCategory.PHARMACY, controlled_drug_schedule=3)

    with pytest.raises(ValidationError) as caught:
        product.full_clean()

    assert caught.value.messages == ["Controlled drugs in Schedules 1 to 4 are prescription-only by law."]
