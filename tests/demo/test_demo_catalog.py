"""`manage.py load_demo_catalog`: the demo catalog from DOMAIN.md, idempotent, with working demo logins."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.roles import PHARMACISTS_GROUP
from catalog.identifiers import is_valid_gtin
from catalog.models import (
    Category,
    Ingredient,
    LeafletRevision,
    LeafletSection,
    LeafletSectionKey,
    Pack,
    Product,
    StockBatch,
    Strength,
)
from catalog.selectors import get_current_leaflet_revision, get_pack_by_sku
from safeguards.models import PurchaseLimit
from tests.factories import publish_leaflet, set_available_stock

pytestmark = pytest.mark.django_db

DEFAULT_PASSWORDS = {
    "admin@pharmacy.invalid": "demo-admin-password",
    "pharmacist@pharmacy.invalid": "demo-pharmacist-password",
    "shopper@pharmacy.invalid": "demo-shopper-password",
}


def sign_in(email: str, password: str):
    """The user these credentials sign in, through the same backends as a sign-in form (axes needs a request)."""
    return authenticate(RequestFactory().post("/accounts/sign-in/"), username=email, password=password)


def load_demo(*args, **options) -> str:
    out = io.StringIO()
    call_command("load_demo_catalog", *args, stdout=out, **options)
    return out.getvalue()


def catalog_snapshot() -> dict:
    """Every catalog row the loader writes, field by field (timestamps of updates aside)."""
    return {
        "categories": list(Category.objects.order_by("pk").values()),
        "ingredients": list(Ingredient.objects.order_by("pk").values()),
        "products": list(Product.objects.order_by("pk").values(
            "pk", "name", "slug", "description", "legal_category", "controlled_drug_schedule", "dosage_form",
            "route", "atc_code", "is_active", "created_at",
        )),
        "product_categories": list(
            Product.categories.through.objects.order_by("product_id", "category_id").values_list(
                "product_id", "category_id"
            )
        ),
        "packs": list(Pack.objects.order_by("pk").values(
            "pk", "product_id", "sku", "gtin", "pack_size", "pack_unit", "price_amount", "currency",
            "allocated_quantity", "max_per_order", "is_active", "created_at",
        )),
        "strengths": list(Strength.objects.order_by("pk").values()),
        "batches": list(StockBatch.objects.order_by("pk").values(
            "pk", "pack_id", "batch_number", "expiry_date", "quantity_on_hand", "recalled",
        )),
        "leaflet_revisions": list(LeafletRevision.objects.order_by("pk").values()),
        "leaflet_sections": list(LeafletSection.objects.order_by("pk").values()),
    }


def test_loading_the_demo_twice_gives_the_same_catalog():
    load_demo()
    first = catalog_snapshot()

    load_demo()

    assert catalog_snapshot() == first
    assert (len(first["products"]), len(first["packs"]), len(first["leaflet_revisions"])) == (13, 15, 13)
    assert get_user_model().objects.count() == 3
    assert len(first["leaflet_sections"]) == 13 * 6


def test_second_load_reports_nothing_new():
    load_demo()

    output = load_demo()

    assert "13 products (0 new), 15 packs (0 new), 0 leaflet revisions published." in output


def test_demo_baclofen_10_mg_pack_is_prescription_only_with_its_facts():
    load_demo()

    pack = get_pack_by_sku(sku="BAC-10-84")

    assert pack.display_name == "Baclofen 10 mg tablets, 84 tablets"
    assert (pack.pack_size, pack.price_amount, pack.currency) == (84, Decimal("12.99"), "GBP")
    assert pack.product.legal_category == "prescription"
    assert pack.product.prescription_required is True
    assert pack.product.controlled_drug_schedule is None
    assert pack.product.atc_code == "M03BX01"
    assert [(s.ingredient.name, s.label) for s in pack.strengths.all()] == [("baclofen", "10 mg")]
    assert sorted(pack.product.packs.values_list("sku", flat=True)) == ["BAC-10-84", "BAC-20-84", "BAC-5-84"]


def test_demo_baclofen_leaflet_covers_the_key_facts_under_the_six_headings():
    load_demo()
    product = Product.objects.get(slug="baclofen-tablets")

    leaflet = get_current_leaflet_revision(product=product)

    sections = {section.key: section for section in leaflet.sections.all()}
    assert [section.key for section in leaflet.sections.all()] == LeafletSectionKey.values
    assert sections["what_it_is"].heading == "1. What Baclofen is and what it is used for"
    body = {key: section.body for key, section in sections.items()}
    assert "multiple sclerosis" in body["what_it_is"]
    assert "injury to or disease of the spinal cord" in body["what_it_is"]
    assert "the usual starting dose is 5 mg three times a day" in body["how_to_take"]
    assert "increase the dose gradually" in body["how_to_take"]
    assert "Do not take more than 80 mg a day" in body["how_to_take"]
    assert "do not stop taking it suddenly" in body["how_to_take"]
    assert "reduce the dose gradually" in body["how_to_take"]
    for side_effect in ("drowsiness", "feeling sick (nausea)", "dizziness", "weakness"):
        assert side_effect in body["side_effects"]
    before = body["before_you_take"]
    assert "alcohol and other medicines that cause drowsiness add to the drowsiness" in before
    assert "take care with medicines for high blood pressure" in before
    assert "Store below 25 °C" in body["storage"]
    assert body["contents"].endswith("This leaflet was last revised in 11/2026.")


def test_demo_oral_solution_strength_is_an_amount_per_volume():
    load_demo()

    pack = get_pack_by_sku(sku="BACOS-5-300")

    assert pack.display_name == "Baclofen 5 mg/5 mL oral solution, 300 mL"
    assert pack.product.legal_category == "prescription"


def test_demo_co_codamol_has_two_ingredients_and_a_one_pack_limit():
    load_demo()

    pack = get_pack_by_sku(sku="COCO-8-500-32")

    assert [(s.ingredient.name, s.label) for s in pack.strengths.all()] == [
        ("codeine phosphate", "8 mg"), ("paracetamol", "500 mg"),
    ]
    assert pack.display_name == "Co-codamol 8 mg/500 mg tablets, 32 tablets"
    assert pack.max_per_order == 1


def test_demo_legal_categories_schedules_and_limits_follow_the_domain_table():
    load_demo()

    rules = {
        pack.sku: (pack.product.legal_category, pack.product.controlled_drug_schedule, pack.max_per_order)
        for pack in Pack.objects.select_related("product")
    }

    assert rules == {
        "BAC-5-84": ("prescription", None, None),
        "BAC-10-84": ("prescription", None, None),
        "BAC-20-84": ("prescription", None, None),
        "BACOS-5-300": ("prescription", None, None),
        "IBU-200-16": ("general_sale", None, 2),
        "PARA-500-16": ("general_sale", None, None),
        "PARA-500-32": ("pharmacy", None, None),
        "COCO-8-500-32": ("pharmacy", 5, 1),
        "CET-10-30": ("general_sale", None, None),
        "OME-20-14": ("pharmacy", None, 2),
        "AMOX-500-21": ("prescription", None, None),
        "AMLO-5-28": ("prescription", None, None),
        "SERT-50-28": ("prescription", None, None),
        "TRAM-50-30": ("prescription", 3, None),
        "DIAZ-5-28": ("prescription", 4, None),
    }


def test_demo_paracetamol_limits_keep_one_sale_within_100_tablets():
    load_demo()

    limit = PurchaseLimit.objects.get(ingredient__name="paracetamol", kind="units_per_order")

    assert (limit.maximum, limit.enforcement, limit.is_active) == (100, "refuse", True)
    assert {pack.sku for pack in Pack.objects.filter(strengths__ingredient=limit.ingredient)} == {
        "PARA-500-16", "PARA-500-32", "COCO-8-500-32",
    }


def test_every_demo_gtin_is_a_valid_ean13_in_the_restricted_range():
    load_demo()

    gtins = list(Pack.objects.values_list("gtin", flat=True))

    assert len(gtins) == len(set(gtins)) == 15
    for gtin in gtins:
        assert is_valid_gtin(gtin), gtin
        assert len(gtin) == 13 and gtin.startswith("2"), gtin


def test_every_demo_leaflet_is_complete_and_latin_1():
    load_demo()

    for product in Product.objects.all():
        leaflet = get_current_leaflet_revision(product=product)
        assert leaflet.number == 1
        sections = list(leaflet.sections.all())
        assert [section.key for section in sections] == LeafletSectionKey.values, product.slug
        for section in sections:
            assert section.body.strip(), (product.slug, section.key)
            (section.heading + section.body).encode("latin-1")  # the PDF's core fonts cover Latin-1 only


def test_demo_loader_republishes_a_leaflet_only_when_its_text_differs():
    load_demo()
    product = Product.objects.get(slug="ibuprofen-tablets")
    publish_leaflet(product, marker="edited by hand")  # revision 2, different text

    output = load_demo()
    load_demo()

    assert "1 leaflet revisions published" in output
    assert list(product.leaflet_revisions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    revision_1, revision_3 = (LeafletRevision.objects.get(product=product, number=n) for n in (1, 3))
    assert [(s.heading, s.body) for s in revision_3.sections.order_by("position")] == [
        (s.heading, s.body) for s in revision_1.sections.order_by("position")
    ]


def test_demo_loader_leaves_stock_of_existing_packs_alone():
    load_demo()
    set_available_stock(Pack.objects.get(sku="BAC-10-84"), 3)

    load_demo()

    assert Pack.objects.get(sku="BAC-10-84").stock_quantity == 3
    assert Pack.objects.get(sku="BAC-5-84").stock_quantity == 60


def test_demo_loader_prints_the_logins_and_they_can_sign_in():
    output = load_demo()

    assert "Demo logins" in output
    for email, password in DEFAULT_PASSWORDS.items():
        assert f"{email}  " in output and f"password: {password}" in output
        assert sign_in(email, password=password).email == email
    admin, pharmacist, shopper = (get_user_model().objects.get(email=email) for email in DEFAULT_PASSWORDS)
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert (pharmacist.is_staff, pharmacist.is_superuser) == (True, False)
    assert list(pharmacist.groups.values_list("name", flat=True)) == [PHARMACISTS_GROUP]
    assert (shopper.is_staff, shopper.is_superuser, shopper.groups.exists()) == (False, False, False)


def test_demo_loader_keeps_a_password_the_operator_changed():
    load_demo()
    shopper = get_user_model().objects.get(email="shopper@pharmacy.invalid")
    shopper.set_password("operator-chose-this")
    shopper.save()

    output = load_demo()

    assert sign_in("shopper@pharmacy.invalid", password="operator-chose-this") is not None
    assert sign_in("shopper@pharmacy.invalid", password="demo-shopper-password") is None
    assert "demo-shopper-password" not in output
    assert "(kept: it is not the one given here; --reset-passwords sets it)" in output
    assert get_user_model().objects.count() == 3


def test_reset_passwords_sets_the_demo_password_again():
    load_demo()
    shopper = get_user_model().objects.get(email="shopper@pharmacy.invalid")
    shopper.set_password("operator-chose-this")
    shopper.save()

    output = load_demo("--reset-passwords")

    assert "password: demo-shopper-password" in output
    assert sign_in("shopper@pharmacy.invalid", password="demo-shopper-password") is not None


def test_demo_passwords_can_come_from_the_environment_or_options(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "from-the-environment")

    output = load_demo("--pharmacist-password", "from-an-option")

    assert "password: from-the-environment" in output and "password: from-an-option" in output
    assert sign_in("admin@pharmacy.invalid", password="from-the-environment") is not None
    assert sign_in("pharmacist@pharmacy.invalid", password="from-an-option") is not None


def test_demo_loader_refuses_a_shop_in_another_currency(settings):
    settings.PHARMACY_CURRENCY = "EUR"

    with pytest.raises(CommandError, match="priced in GBP"):
        load_demo()

    assert not Product.objects.exists()
    assert not get_user_model().objects.exists()


def test_demo_packs_come_in_batches_and_larger_ones_in_two_expiries():
    load_demo()

    baclofen = Pack.objects.get(sku="BAC-5-84")
    expiries = list(baclofen.batches.order_by("expiry_date").values_list("expiry_date", "quantity_on_hand"))
    assert len(expiries) == 2 and expiries[0][0] < expiries[1][0]
    assert sum(units for _, units in expiries) == 60
    assert all(pack.batches.exists() for pack in Pack.objects.all())
    assert not StockBatch.objects.filter(batch_number="LEGACY").exists()
