"""Issue 8.4: legal category and controlled-drug schedule change only through the audited service, with
a permission the Pharmacists group does not hold; the import refuses a silent reclassification."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError
from django.urls import reverse

from accounts.roles import PHARMACISTS_GROUP, SUPERINTENDENTS_GROUP
from catalog.exceptions import InvalidReclassification, ReclassificationNotAllowed
from catalog.models import Product, ProductReclassification
from catalog.reclassification import reclassify_product
from catalog.services import set_product_indications
from tests.builders.catalog import pack_row, run_import, write_csv
from tests.factories import PackFactory, PharmacistFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def superintendent(db):
    user = PharmacistFactory()
    user.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    return user


@pytest.fixture
def pom_product(db):
    return ProductFactory(name="Omeprazole 20 mg capsules", slug="omeprazole", legal_category="prescription")


def test_a_pharmacist_without_the_permission_cannot_reclassify(pom_product):
    pharmacist = PharmacistFactory()
    with pytest.raises(ReclassificationNotAllowed, match="superintendent pharmacist"):
        reclassify_product(product=pom_product, legal_category="general_sale", schedule=None, actor=pharmacist,
                           reason="Cheaper to sell")
    pom_product.refresh_from_db()
    assert pom_product.legal_category == "prescription"
    assert not ProductReclassification.objects.exists()


def test_the_superintendent_reclassifies_and_the_change_is_audited(pom_product, superintendent):
    change = reclassify_product(product=pom_product, legal_category="pharmacy", schedule=None,
                                actor=superintendent, reason="MHRA POM-to-P switch, 2026 notice.")
    pom_product.refresh_from_db()
    assert pom_product.legal_category == "pharmacy"
    assert (change.actor, change.reason, change.source) == (superintendent, "MHRA POM-to-P switch, 2026 notice.",
                                                            "admin")
    assert (change.old_legal_category, change.new_legal_category) == ("prescription", "pharmacy")
    assert (change.old_controlled_drug_schedule, change.new_controlled_drug_schedule) == (None, None)
    assert change.created_at is not None


def test_reclassification_needs_a_reason_and_respects_the_schedule_rule(pom_product, superintendent):
    with pytest.raises(InvalidReclassification, match="reason"):
        reclassify_product(product=pom_product, legal_category="pharmacy", schedule=None, actor=superintendent,
                           reason=" ")
    with pytest.raises(InvalidReclassification, match="Schedules 1 to 4"):
        reclassify_product(product=pom_product, legal_category="pharmacy", schedule=3, actor=superintendent,
                           reason="x")
    pom_product.refresh_from_db()
    assert (pom_product.legal_category, pom_product.controlled_drug_schedule) == ("prescription", None)
    assert not ProductReclassification.objects.exists()


def test_the_pharmacists_group_does_not_hold_the_reclassify_permission():
    assert not Group.objects.get(name=PHARMACISTS_GROUP).permissions.filter(codename="reclassify_product").exists()
    assert Group.objects.get(name=SUPERINTENDENTS_GROUP).permissions.filter(codename="reclassify_product").exists()


def test_the_product_form_no_longer_edits_the_legal_category(client, superintendent, pom_product):
    superintendent.is_superuser = True
    superintendent.save()
    client.force_login(superintendent)
    url = reverse("admin:catalog_product_change", args=[pom_product.pk])
    response = client.get(url)
    assert "legal_category" not in response.context["adminform"].form.fields
    client.post(url, {"name": pom_product.name, "slug": pom_product.slug, "legal_category": "general_sale",
                      "dosage_form": "tablet", "route": "oral", "is_active": "on"})
    pom_product.refresh_from_db()
    assert pom_product.legal_category == "prescription"


def test_admin_reclassify_page_records_the_change_and_shows_the_history(client, superintendent, pom_product):
    client.force_login(superintendent)
    url = reverse("admin:catalog_product_reclassify", args=[pom_product.pk])
    response = client.post(url, {"legal_category": "pharmacy", "controlled_drug_schedule": "",
                                 "reason": "MHRA switch."})
    assert response.status_code == 302
    change = ProductReclassification.objects.get()
    assert (change.actor, change.new_legal_category) == (superintendent, "pharmacy")
    superintendent.is_superuser = True
    superintendent.save()
    page = client.get(reverse("admin:catalog_product_change", args=[pom_product.pk]))
    assert "MHRA switch." in page.content.decode()


def found_by(client, api_client, query: str) -> tuple[bool, bool]:
    """(on the storefront, in the API): is the antihistamine found by `query`?"""
    page = client.get(reverse("catalog:product-list"), {"q": query}).content.decode()
    api = api_client.get("/api/v1/products/", {"search": query}).json()
    return "Hayfeverol tablets" in page, [item["name"] for item in api["results"]] == ["Hayfeverol tablets"]


def test_a_p_medicine_reclassified_to_pom_is_no_longer_found_by_its_symptom(client, api_client, superintendent):
    product = ProductFactory(name="Hayfeverol tablets", slug="hayfeverol", legal_category="pharmacy")
    PackFactory(product=product)
    set_product_indications(product=product, indications="hay fever")
    assert found_by(client, api_client, "hay fever") == (True, True)

    client.force_login(superintendent)
    response = client.post(reverse("admin:catalog_product_reclassify", args=[product.pk]), {
        "legal_category": "prescription", "controlled_drug_schedule": "", "reason": "MHRA: POM again."})
    assert response.status_code == 302
    client.logout()

    assert found_by(client, api_client, "hay fever") == (False, False)
    assert found_by(client, api_client, "hayfeverol") == (True, True)  # still found by its name


def test_admin_reclassify_page_refuses_a_pharmacist_without_the_permission(client, pom_product):
    pharmacist = PharmacistFactory()
    client.force_login(pharmacist)
    response = client.post(reverse("admin:catalog_product_reclassify", args=[pom_product.pk]),
                           {"legal_category": "general_sale", "controlled_drug_schedule": "", "reason": "x"},
                           follow=True)
    assert "Only a superintendent pharmacist" in response.content.decode()
    pom_product.refresh_from_db()
    assert pom_product.legal_category == "prescription"
    assert not ProductReclassification.objects.exists()


def test_import_refuses_a_silent_reclassification(tmp_path):
    run_import(write_csv(tmp_path, [pack_row()]))
    product = Product.objects.get(slug="baclofen-tablets")
    path = write_csv(tmp_path, [pack_row(legal_category="general_sale", price="1.00")], name="switch.csv")

    with pytest.raises(CommandError, match="changes the legal category .* baclofen-tablets.*Nothing was imported"):
        run_import(path)
    product.refresh_from_db()
    assert product.legal_category == "prescription"
    assert product.packs.get().price_amount == Decimal("12.99")  # nothing else in the file was written either
    assert not ProductReclassification.objects.exists()


def test_import_with_allow_reclassification_records_each_change(tmp_path):
    run_import(write_csv(tmp_path, [pack_row()]))
    path = write_csv(tmp_path, [pack_row(legal_category="pharmacy")], name="switch.csv")

    out, _ = run_import(path, "--allow-reclassification", "--reason", "MHRA switch list 2026-11")

    product = Product.objects.get(slug="baclofen-tablets")
    assert product.legal_category == "pharmacy"
    change = ProductReclassification.objects.get()
    assert (change.product, change.actor, change.source, change.reason) == (
        product, None, "import", "MHRA switch list 2026-11")
    assert (change.old_legal_category, change.new_legal_category) == ("prescription", "pharmacy")
    assert "Reclassified 1 product(s)" in out


def test_allow_reclassification_needs_a_reason(tmp_path):
    path = write_csv(tmp_path, [pack_row()])
    with pytest.raises(CommandError, match="needs --reason"):
        run_import(path, "--allow-reclassification")

