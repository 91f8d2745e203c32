"""A catalog import reports the medicines it brings in that the clinical rules do not fully cover; such a
medicine is not published as P or POM until a superintendent acknowledges it (admin action, audited)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import SUPERINTENDENTS_GROUP
from catalog.csv_import.rows import COLUMNS
from catalog.exceptions import ClinicalCoverageUnacknowledged
from catalog.models import ClinicalCoverageReview, Product
from tests.factories import PharmacistFactory, publish_leaflet

pytestmark = pytest.mark.django_db


def row(**values) -> dict[str, str]:
    base = {
        "product_name": "Amlodipine 5 mg tablets", "product_slug": "", "legal_category": "prescription",
        "controlled_drug_schedule": "", "dosage_form": "tablet", "route": "oral", "atc_code": "C08CA01",
        "categories": "Heart", "sku": "AML-5-28", "gtin": "", "pack_size": "28", "pack_unit": "",
        "price": "1.99", "currency": "GBP", "stock": "10", "max_per_order": "", "is_active": "true",
        "ingredients": "amlodipine 5 mg", "batch_number": "", "expiry_date": "",
    }
    return base | values


UNCOVERED = row(product_name="Tizanidine 2 mg tablets", sku="TIZ-2-120", atc_code="M03BX02",
                ingredients="tizanidine hydrochloride 2 mg")


def run_import(tmp_path, *rows) -> str:
    path = tmp_path / "catalog.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=[c for c in COLUMNS if c in rows[0]])
        writer.writeheader()
        writer.writerows(rows)
    out = io.StringIO()
    call_command("import_catalog", str(path), "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def superintendent():
    user = PharmacistFactory()
    user.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    return user


def test_the_import_reports_new_medicines_without_clinical_coverage_and_records_them(tmp_path):
    output = run_import(tmp_path, row(), UNCOVERED)

    assert "1 new product(s) without full clinical coverage" in output
    assert "Tizanidine 2 mg tablets: no maximum-dose rule" in output
    assert "Amlodipine" not in output.split("without full clinical coverage")[1]
    review = ClinicalCoverageReview.objects.get()
    assert review.product.name == "Tizanidine 2 mg tablets" and review.is_pending


def test_an_uncovered_prescription_medicine_is_not_published_until_a_superintendent_acknowledges_it(
    tmp_path, client, superintendent,
):
    run_import(tmp_path, UNCOVERED)
    product = Product.objects.get(name="Tizanidine 2 mg tablets")
    with pytest.raises(ClinicalCoverageUnacknowledged, match="superintendent"):
        publish_leaflet(product)

    review = ClinicalCoverageReview.objects.get()
    client.force_login(superintendent)
    response = client.post(reverse("admin:catalog_clinicalcoveragereview_changelist"),
                           {"action": "acknowledge_selected", "_selected_action": [review.pk]}, follow=True)

    assert response.status_code == 200
    review.refresh_from_db()
    assert (review.acknowledged_by, review.acknowledged_at is not None) == (superintendent, True)
    assert publish_leaflet(product).is_published


def test_a_pharmacist_who_is_not_superintendent_cannot_acknowledge(tmp_path, client):
    run_import(tmp_path, UNCOVERED)
    review = ClinicalCoverageReview.objects.get()
    pharmacist = PharmacistFactory()
    pharmacist.user_permissions.add(*Permission.objects.filter(codename="view_clinicalcoveragereview"))
    client.force_login(pharmacist)

    client.post(reverse("admin:catalog_clinicalcoveragereview_changelist"),
                {"action": "acknowledge_selected", "_selected_action": [review.pk]})

    review.refresh_from_db()
    assert review.is_pending


def test_a_general_sale_medicine_without_coverage_is_reported_but_may_be_published(tmp_path):
    run_import(tmp_path, row(product_name="Zinc 10 mg tablets", sku="ZN-10", legal_category="general_sale",
                             atc_code="A12CB01", ingredients="zinc gluconate 10 mg"))

    product = Product.objects.get(name="Zinc 10 mg tablets")
    assert ClinicalCoverageReview.objects.get().product == product
    assert publish_leaflet(product).is_published
