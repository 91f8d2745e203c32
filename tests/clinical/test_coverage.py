"""The coverage report: `manage.py clinical_coverage`, the admin page, and the catalog of the most-sold UK
pharmacy medicines (catalog/fixtures), which the rule table must cover in full."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Product
from clinical.coverage import coverage_of_products, sellable_products
from tests.factories import PackFactory

FIXTURE = Path(__file__).resolve().parents[2] / "catalog" / "fixtures" / "uk_top_150_medicines.csv"

pytestmark = pytest.mark.django_db


def coverage_output(*args) -> str:
    out = io.StringIO()
    call_command("clinical_coverage", *args, stdout=out)
    return out.getvalue()


def test_the_demo_catalog_and_the_150_most_sold_medicines_are_covered_in_full():
    call_command("load_demo_catalog", stdout=io.StringIO())
    call_command("import_catalog", str(FIXTURE), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    report = coverage_of_products(sellable_products())

    imported = Product.objects.filter(packs__sku__startswith="UK-").distinct().count()
    assert imported == 150
    assert len(report) == Product.objects.filter(is_active=True).count() > 150
    assert [(item.name, item.gaps) for item in report if item.gaps] == []
    assert all(item.has_interaction_or_duplication and item.has_dose_rule for item in report)
    output = coverage_output("--fail-on-gaps")
    assert f"{len(report)} medicines; {len(report)} covered, 0 with gaps." in output


def test_a_medicine_without_a_dose_rule_or_a_known_atc_code_is_listed_first():
    PackFactory(product__name="Zinc lozenges", product__atc_code="")
    PackFactory(product__name="Amlodipine 5 mg", product__atc_code="C08CA01")

    output = coverage_output()

    first, second = output.splitlines()[:2]
    assert first.startswith("Zinc lozenges [no ATC") and "no ATC code" in first
    assert "no maximum-dose rule" in first and "no interaction or duplication rule" in first
    assert second.startswith("Amlodipine 5 mg [C08CA01") and "covered" in second


def test_the_admin_page_lists_each_medicine_with_its_rules(admin_client):
    PackFactory(product__name="Simvastatin 20 mg", product__atc_code="C10AA01")

    response = admin_client.get(reverse("admin:clinical_coverage"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Simvastatin 20 mg" in html and "simvastatin-strong-cyp3a4-inhibitors" in html
    assert "simvastatin-max-daily-dose" in html and "statins-pregnancy" in html
