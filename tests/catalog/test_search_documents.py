"""The search document on every write path (demo loader, services, admin, CSV import) and what search reads
from it; the import's PZNs, which search then finds."""

import csv

from django.core.management import call_command
from django.urls import reverse

from catalog.csv_import.rows import COLUMNS
from catalog.identifiers import make_pzn
from catalog.models import Ingredient, Pack, Product, ProductSearchDocument, ProductSynonym, Strength
from catalog.selectors import search_products
from catalog.services import refresh_search_documents, set_product_indications, set_product_synonyms
from tests.factories import PackFactory, ProductFactory


def names(query: str) -> list[str]:
    return [product.name for product in search_products(search=query).products]


def document(product: Product) -> ProductSearchDocument:
    return ProductSearchDocument.objects.get(product=product)


def test_demo_loader_indexes_every_product(demo):
    assert ProductSearchDocument.objects.count() == Product.objects.count() == 13
    assert "lioresal" in document(Product.objects.get(slug="baclofen-tablets")).synonym_text


def test_set_product_synonyms_and_indications_reindex(db):
    product = ProductFactory(name="Loratadine tablets", slug="loratadine-tablets")

    set_product_synonyms(product=product, names=["Clarityn", " Claritin ", "claritin"])
    set_product_indications(product=product, indications="hay fever; hives")

    assert sorted(ProductSynonym.objects.filter(product=product).values_list("name", flat=True)) == [
        "Claritin", "Clarityn"]
    assert names("claritin") == ["Loratadine tablets"]
    assert names("hives") == ["Loratadine tablets"]
    set_product_synonyms(product=product, names=[])
    assert names("claritin") == []


def test_admin_product_save_reindexes_name_uses_and_also_known_as(admin_client, db):
    product = ProductFactory(name="Loratadine tablets", slug="loratadine-tablets")
    data = {
        "name": "Loratadine 10 tablets", "slug": product.slug, "description": "", "is_active": "on",
        "indications": "hay fever", "legal_category": "general_sale", "controlled_drug_schedule": "",
        "atc_code": "", "dosage_form": "tablet", "route": "oral", "vat_rate": "standard",
        "synonyms-TOTAL_FORMS": "1", "synonyms-INITIAL_FORMS": "0", "synonyms-MIN_NUM_FORMS": "0",
        "synonyms-MAX_NUM_FORMS": "1000", "synonyms-0-name": "Clarityn", "synonyms-0-id": "",
        "synonyms-0-product": str(product.pk),
        "packs-TOTAL_FORMS": "0", "packs-INITIAL_FORMS": "0", "packs-MIN_NUM_FORMS": "0",
        "packs-MAX_NUM_FORMS": "1000", "minimum_age": "",
        "reclassifications-TOTAL_FORMS": "0", "reclassifications-INITIAL_FORMS": "0",
        "reclassifications-MIN_NUM_FORMS": "0", "reclassifications-MAX_NUM_FORMS": "1000",
    }

    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert names("clarityn") == ["Loratadine 10 tablets"]
    assert names("hay fever") == ["Loratadine 10 tablets"]
    assert document(product).name_text == " loratadine 10 tablets "


def test_admin_pack_save_and_delete_reindex_ingredients(admin_client, db):
    pack = PackFactory(product=ProductFactory(name="Loratadine tablets", slug="loratadine-tablets"),
                       sku="LORA-10-30", stock_quantity=0)  # no batch: a pack with stock batches is kept
    strength = pack.strengths.get()
    fexofenadine = Ingredient.objects.create(name="fexofenadine")
    data = {
        "sku": pack.sku, "gtin": pack.gtin, "pzn": "", "pack_size": "30", "pack_unit": "tablets",
        "max_per_order": "", "is_active": "on",
        "strengths-TOTAL_FORMS": "1", "strengths-INITIAL_FORMS": "1", "strengths-MIN_NUM_FORMS": "0",
        "strengths-MAX_NUM_FORMS": "1000", "strengths-0-id": str(strength.pk), "strengths-0-pack": str(pack.pk),
        "strengths-0-ingredient": str(fexofenadine.pk), "strengths-0-amount": "5", "strengths-0-unit": "mg",
        "strengths-0-per_amount": "", "strengths-0-per_unit": "", "strengths-0-position": "0",
    }

    response = admin_client.post(reverse("admin:catalog_pack_change", args=[pack.pk]), data)

    assert response.status_code == 302
    assert names("fexofenadine") == ["Loratadine tablets"]
    admin_client.post(reverse("admin:catalog_pack_delete", args=[pack.pk]), {"post": "yes"})
    assert not Pack.objects.filter(pk=pack.pk).exists()
    assert names("fexofenadine") == []


def test_admin_ingredient_rename_reindexes_its_products(admin_client, db):
    pack = PackFactory(product=ProductFactory(name="Loratadine tablets", slug="loratadine-tablets"))
    ingredient = pack.strengths.get().ingredient

    admin_client.post(reverse("admin:catalog_ingredient_change", args=[ingredient.pk]), {"name": "loratadinum"})

    assert names("loratadinum") == ["Loratadine tablets"]


def write_catalog(tmp_path, rows: list[dict], columns=COLUMNS):
    path = tmp_path / "catalog.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


LORATADINE_ROW = {"product_name": "Loratadine tablets", "product_slug": "loratadine-tablets",
                  "legal_category": "general_sale", "dosage_form": "tablet",
                  "sku": "LORA-10-30", "pack_size": "30", "price": "2.99", "ingredients": "loratadine 10 mg"}


def test_import_indexes_products_with_their_also_known_as_names(db, tmp_path):
    call_command("import_catalog", str(write_catalog(tmp_path, [
        LORATADINE_ROW | {"also_known_as": "Clarityn; Claritin; clarityn", "used_for": "hay fever;  hives"}])))

    product = Product.objects.get(slug="loratadine-tablets")
    assert sorted(product.synonyms.values_list("name", flat=True)) == ["Claritin", "Clarityn"]
    assert product.indications == "hay fever; hives"
    assert names("claritin") == ["Loratadine tablets"]
    assert names("loratadine 10mg") == ["Loratadine tablets"]
    assert names("hives") == ["Loratadine tablets"]


def test_import_without_the_optional_columns_keeps_names_and_uses(db, tmp_path):
    call_command("import_catalog", str(write_catalog(tmp_path, [
        LORATADINE_ROW | {"also_known_as": "Clarityn", "used_for": "hives"}])))
    columns = [column for column in COLUMNS if column not in ("also_known_as", "used_for")]

    call_command("import_catalog", str(write_catalog(tmp_path, [
        LORATADINE_ROW | {"product_name": "Loratadine 10 mg tablets"}], columns)))

    assert names("clarityn") == ["Loratadine 10 mg tablets"]
    assert names("hives") == ["Loratadine 10 mg tablets"]


def test_search_reads_only_the_document_so_a_stale_one_is_what_it_finds(db):
    """Proof that the write paths above matter: a write past the services is not searchable until refreshed."""
    pack = PackFactory(product=ProductFactory(name="Loratadine tablets", slug="loratadine-tablets"))
    Strength.objects.filter(pack=pack).update(ingredient=Ingredient.objects.create(name="fexofenadine"))
    assert names("fexofenadine") == []

    refresh_search_documents(product_ids=[pack.product_id])

    assert names("fexofenadine") == ["Loratadine tablets"]


def test_import_sets_a_pzn_that_search_then_finds(db, tmp_path):
    pzn = make_pzn("0123456")

    call_command("import_catalog", str(write_catalog(tmp_path, [LORATADINE_ROW | {"pzn": pzn}])))

    assert Pack.objects.get(sku="LORA-10-30").pzn == pzn
    assert search_products(search=pzn).pack.sku == "LORA-10-30"


def test_import_refuses_a_pzn_with_a_wrong_check_digit_or_of_another_pack(db, tmp_path):
    from catalog.csv_import import check_catalog_csv

    PackFactory(sku="OTHER-1", pzn=make_pzn("0123456"))
    path = write_catalog(tmp_path, [LORATADINE_ROW | {"pzn": "01234563"},
                                    LORATADINE_ROW | {"sku": "LORA-10-60", "pzn": make_pzn("0123456")}])

    with open(path, newline="", encoding="utf-8") as stream:
        errors = [(e.row, e.column, e.reason) for e in check_catalog_csv(stream=stream).errors]

    assert errors == [(2, "pzn", "PZN check digit is wrong: expected 2."),
                      (3, "pzn", "already belongs to pack OTHER-1")]
    assert not Pack.objects.filter(sku__startswith="LORA").exists()
