"""Catalog admin: every page loads for a superuser, stock and publication go through the services,
and published leaflet revisions cannot be edited."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.identifiers import make_gtin13
from catalog.models import Category, Ingredient, LeafletRevision, LeafletSection, Pack, Product, StockBatch
from catalog.services import SectionText, create_leaflet_draft
from tests.builders.catalog import admin_url
from tests.factories import CategoryFactory, PackFactory, ProductFactory, leaflet_sections

pytestmark = pytest.mark.django_db




@pytest.fixture
def draft(gsl_pack):
    """A complete draft (revision 2) of the gsl_pack's product, whose revision 1 is published."""
    return create_leaflet_draft(product=gsl_pack.product, revised_on=datetime.date(2026, 6, 1),
                                sections=leaflet_sections(gsl_pack.product.name, "Draft text."))


def test_every_catalog_changelist_loads_for_a_superuser(admin_client, gsl_pack, draft):
    CategoryFactory()
    for model in (Product, Pack, Category, Ingredient, LeafletRevision):
        response = admin_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model


def test_every_catalog_change_and_add_form_loads_for_a_superuser(admin_client, gsl_pack, draft):
    category = CategoryFactory()
    published = gsl_pack.product.leaflet_revisions.get(number=1)
    objects = [gsl_pack.product, gsl_pack, category, Ingredient.objects.get(), published, draft]
    for obj in objects:
        assert admin_client.get(admin_url(type(obj), "change", obj.pk)).status_code == 200, obj
    for model in (Product, Pack, Category, Ingredient, LeafletRevision):
        assert admin_client.get(admin_url(model, "add")).status_code == 200, model


@pytest.mark.parametrize("term", ["brandn", "zolpidem", "BRAND-1", "2800000000998"])
def test_product_search_finds_by_name_ingredient_sku_or_gtin(admin_client, term):
    product = ProductFactory(name="Brandname tablets", slug="brandname-tablets")
    pack = PackFactory(product=product, sku="BRAND-1", gtin=make_gtin13("280000000099"))
    pack.strengths.update(ingredient=Ingredient.objects.create(name="zolpidemate"))
    PackFactory(product=ProductFactory(name="Other tablets", slug="other-tablets"), sku="OTHER-1")

    response = admin_client.get(admin_url(Product, "changelist"), {"q": term})

    assert [product.name for product in response.context["cl"].result_list] == ["Brandname tablets"]


def test_product_add_form_explains_that_schedule_3_must_be_prescription_only(admin_client):
    # Legal category and schedule are set on the add form only; later changes are reclassifications.
    data = {
        "name": "Newdrug tablets", "slug": "newdrug-tablets", "description": "", "is_active": "on",
        "legal_category": "general_sale", "controlled_drug_schedule": "3", "atc_code": "",
        "dosage_form": "tablet", "route": "oral",
    }

    response = admin_client.post(admin_url(Product, "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["controlled_drug_schedule"] == [
        "Schedule 3 controlled drugs are prescription-only: choose “Prescription only (POM)” as the legal "
        "category, or clear the schedule."
    ]
    assert not Product.objects.filter(slug="newdrug-tablets").exists()


def test_pack_change_form_shows_price_and_stock_read_only(admin_client, gsl_pack):
    response = admin_client.get(admin_url(Pack, "change", gsl_pack.pk))

    html = response.content.decode()
    assert 'name="price_amount"' not in html
    assert 'name="stock_quantity"' not in html
    assert f'href="/admin/catalog/pack/set-stock/?ids={gsl_pack.pk}">Set stock</a>' in html


def test_pack_add_form_takes_price_and_opening_stock(admin_client):
    html = admin_client.get(admin_url(Pack, "add")).content.decode()

    assert 'name="price_amount"' in html
    assert 'name="opening_batch_number"' in html and 'name="opening_expiry_date"' in html
    assert 'name="opening_quantity"' in html


def test_posting_stock_or_price_to_the_pack_change_form_changes_neither(admin_client, gsl_pack):
    data = {
        "sku": gsl_pack.sku, "gtin": gsl_pack.gtin, "pack_size": "16", "pack_unit": "tablets",
        "price_amount": "0.01", "currency": "USD", "stock_quantity": "999999", "max_per_order": "",
        "is_active": "on",
        "strengths-TOTAL_FORMS": "0", "strengths-INITIAL_FORMS": "0",
    }

    response = admin_client.post(admin_url(Pack, "change", gsl_pack.pk), data)

    assert response.status_code == 302
    gsl_pack.refresh_from_db()
    assert (gsl_pack.price_amount, gsl_pack.currency) == (Decimal("3.49"), "GBP")
    assert gsl_pack.stock_quantity == 100


def test_set_stock_action_leads_to_a_stock_take_form_for_the_selected_packs(admin_client, gsl_pack, pom_pack):
    response = admin_client.post(admin_url(Pack, "changelist"), {
        "action": "set_stock_of_selected", "_selected_action": [gsl_pack.pk, pom_pack.pk],
    })

    assert response.status_code == 302
    ids = ",".join(str(pk) for pk in sorted([gsl_pack.pk, pom_pack.pk]))
    assert response["Location"] == f"/admin/catalog/pack/set-stock/?ids={ids}"
    form_page = admin_client.get(response["Location"])
    assert form_page.status_code == 200
    fields = {field.name for field in form_page.context["form"]}
    gsl_batch, pom_batch = gsl_pack.batches.get(), pom_pack.batches.get()
    assert fields == {f"batch_{gsl_batch.pk}", f"batch_{pom_batch.pk}"} | {
        f"new_{part}_{pack.pk}" for part in ("number", "expiry", "count") for pack in (gsl_pack, pom_pack)
    }


def test_stock_take_writes_only_the_counts_changed(admin_client, gsl_pack, pom_pack):
    url = reverse("admin:catalog_pack_set_stock") + f"?ids={gsl_pack.pk},{pom_pack.pk}"
    gsl_batch, pom_batch = gsl_pack.batches.get(), pom_pack.batches.get()
    # a delivery counted elsewhere while the form was open: pom_pack's batch went from the 50 shown to 48
    StockBatch.objects.filter(pk=pom_batch.pk).update(quantity_on_hand=48)

    response = admin_client.post(url, {
        f"batch_{gsl_batch.pk}": "70", f"initial-batch_{gsl_batch.pk}": "100",
        f"batch_{pom_batch.pk}": "50", f"initial-batch_{pom_batch.pk}": "50",
    })

    assert response.status_code == 302
    assert dict(StockBatch.objects.values_list("pk", "quantity_on_hand")) == {gsl_batch.pk: 70, pom_batch.pk: 48}


def test_stock_take_adds_a_new_batch_with_its_expiry(admin_client, gsl_pack):
    url = reverse("admin:catalog_pack_set_stock") + f"?ids={gsl_pack.pk}"

    batch = gsl_pack.batches.get()

    response = admin_client.post(url, {
        f"batch_{batch.pk}": "100", f"initial-batch_{batch.pk}": "100",
        f"new_number_{gsl_pack.pk}": "NEW123", f"new_expiry_{gsl_pack.pk}": "2030-01-31",
        f"new_count_{gsl_pack.pk}": "12",
    })

    assert response.status_code == 302
    batch = gsl_pack.batches.get(batch_number="NEW123")
    assert (batch.expiry_date, batch.quantity_on_hand) == (datetime.date(2030, 1, 31), 12)
    assert gsl_pack.stock_quantity == 112


def test_stock_take_refuses_a_new_batch_without_expiry_and_changes_nothing(admin_client, gsl_pack):
    url = reverse("admin:catalog_pack_set_stock") + f"?ids={gsl_pack.pk}"

    batch = gsl_pack.batches.get()

    response = admin_client.post(url, {f"batch_{batch.pk}": "100", f"initial-batch_{batch.pk}": "100",
                                       f"new_number_{gsl_pack.pk}": "NEW123", f"new_count_{gsl_pack.pk}": "12"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"new_expiry_{gsl_pack.pk}": ["A new batch needs its number, expiry date and units."]
    }
    assert gsl_pack.batches.count() == 1


def test_stock_take_refuses_a_negative_count_and_changes_nothing(admin_client, gsl_pack):
    url = reverse("admin:catalog_pack_set_stock") + f"?ids={gsl_pack.pk}"
    batch = gsl_pack.batches.get()

    response = admin_client.post(url, {f"batch_{batch.pk}": "-1", f"initial-batch_{batch.pk}": "100"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"batch_{batch.pk}": ["Ensure this value is greater than or equal to 0."]
    }
    gsl_pack.refresh_from_db()
    assert gsl_pack.stock_quantity == 100


def test_stock_take_needs_change_permission(client, pharmacist, gsl_pack):
    client.force_login(pharmacist)  # staff, but without catalog permissions

    response = client.get(reverse("admin:catalog_pack_set_stock") + f"?ids={gsl_pack.pk}")

    assert response.status_code == 403


def test_publish_action_publishes_a_complete_draft(admin_client, draft):
    response = admin_client.post(admin_url(LeafletRevision, "changelist"), {
        "action": "publish", "_selected_action": [draft.pk],
    }, follow=True)

    draft.refresh_from_db()
    assert draft.is_published
    assert "Published 1 revision(s)." in [str(message) for message in response.context["messages"]]


def test_publish_action_reports_an_incomplete_draft_and_leaves_it_a_draft(admin_client, gsl_pack):
    sections = [SectionText("what_it_is", "1. What it is", "Text.")]
    incomplete = create_leaflet_draft(product=gsl_pack.product, revised_on=datetime.date(2026, 6, 1),
                                      sections=sections)

    response = admin_client.post(admin_url(LeafletRevision, "changelist"), {
        "action": "publish", "_selected_action": [incomplete.pk],
    }, follow=True)

    incomplete.refresh_from_db()
    assert not incomplete.is_published
    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith(f"{gsl_pack.product.name}, revision 2: The leaflet is missing: ")


def test_draft_action_copies_a_published_revision_into_a_new_draft(admin_client, gsl_pack):
    published = gsl_pack.product.leaflet_revisions.get()

    admin_client.post(admin_url(LeafletRevision, "changelist"), {
        "action": "draft_from", "_selected_action": [published.pk],
    })

    new = LeafletRevision.objects.get(product=gsl_pack.product, number=2)
    assert not new.is_published
    assert list(new.sections.values_list("key", "heading", "body")) == list(
        published.sections.values_list("key", "heading", "body")
    )


def test_published_revision_page_is_read_only(admin_client, gsl_pack):
    published = gsl_pack.product.leaflet_revisions.get()

    html = admin_client.get(admin_url(LeafletRevision, "change", published.pk)).content.decode()

    assert 'name="_save"' not in html
    assert 'name="revised_on"' not in html
    assert "<textarea" not in html
    assert "What it is and what it is used for for" in html  # sections are still shown


def test_posting_to_a_published_revision_is_refused_and_changes_nothing(admin_client, gsl_pack):
    published = gsl_pack.product.leaflet_revisions.get()
    before = list(LeafletSection.objects.filter(revision=published).values())

    url = admin_url(LeafletRevision, "change", published.pk)

    response = admin_client.post(url, {"revised_on": "2030-01-01"})

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.revised_on == datetime.date(2026, 1, 1)
    assert list(LeafletSection.objects.filter(revision=published).values()) == before


def test_leaflet_revisions_have_no_bulk_delete_that_would_bypass_the_published_guard(admin_client, gsl_pack):
    response = admin_client.get(admin_url(LeafletRevision, "changelist"))

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "publish", "draft_from"]


def test_published_revision_cannot_be_deleted_from_the_admin(admin_client, gsl_pack):
    published = gsl_pack.product.leaflet_revisions.get()

    response = admin_client.post(admin_url(LeafletRevision, "delete", published.pk), {"post": "yes"})

    assert response.status_code == 403
    assert LeafletRevision.objects.filter(pk=published.pk).exists()


def section_formset(prefix: str, sections: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(sections)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, section in enumerate(sections):
        data.update({f"{prefix}-{index}-{key}": value for key, value in section.items()})
    return data


def test_adding_a_revision_in_the_admin_drafts_the_next_number_with_sections_in_order(admin_client, gsl_pack):
    product = gsl_pack.product
    sections = [{"key": s.key, "heading": s.heading, "body": s.body} for s in reversed(leaflet_sections("X"))]

    response = admin_client.post(admin_url(LeafletRevision, "add"), {
        "product": product.pk, "revised_on": "2026-07-01", **section_formset("sections", sections),
    })

    assert response.status_code == 302
    new = LeafletRevision.objects.get(product=product, number=2)
    assert not new.is_published
    assert list(new.sections.order_by("position").values_list("key", "position")) == [
        ("what_it_is", 0), ("before_you_take", 1), ("how_to_take", 2), ("side_effects", 3), ("storage", 4),
        ("contents", 5),
    ]


def test_editing_a_draft_section_in_the_admin_saves_it(admin_client, draft):
    sections = [{"id": s.pk, "revision": draft.pk, "key": s.key, "heading": s.heading, "body": s.body}
                for s in draft.sections.order_by("position")]
    sections[3]["body"] = "Drowsiness is very common."

    response = admin_client.post(admin_url(LeafletRevision, "change", draft.pk), {
        "revised_on": "2026-06-02", **section_formset("sections", sections, initial=6),
    })

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revised_on == datetime.date(2026, 6, 2)
    assert draft.sections.get(key="side_effects").body == "Drowsiness is very common."


def changelist_queries(admin_client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Product, Pack, LeafletRevision, Category])
def test_changelists_run_a_constant_number_of_queries(admin_client, model):
    PackFactory()
    few = changelist_queries(admin_client, model)
    for _ in range(10):
        product = ProductFactory()
        product.categories.add(CategoryFactory())
        PackFactory(product=product)

    assert changelist_queries(admin_client, model) == few


def test_admin_changes_a_price_through_the_service_and_refuses_a_bad_one(admin_client):
    pack = PackFactory(price_amount=Decimal("3.49"))
    url = reverse("admin:catalog_pack_set_price", args=[pack.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"price_amount": "-1"})
    assert response.status_code == 200
    assert Pack.objects.get(pk=pack.pk).price_amount == Decimal("3.49")

    response = admin_client.post(url, {"price_amount": "4.25"})
    assert response.status_code == 302
    assert Pack.objects.get(pk=pack.pk).price_amount == Decimal("4.25")
