"""Issue 13.3: what anonymous shoppers see is cached under a catalog version that every write path
bumps, so no stale price, stock flag or leaflet is shown once a write commits; conditional GET (304)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from catalog.cache import catalog_version
from catalog.models import Category, Pack, Product
from catalog.services import (
    record_stock_take,
    release_stock,
    reserve_stock,
    set_price,
    set_product_synonyms,
)
from tests.builders.catalog import admin_url, pack_row, run_import, write_csv
from tests.factories import CategoryFactory, PackFactory, ProductFactory, publish_leaflet

pytestmark = pytest.mark.django_db

LIST = "/api/v1/products/"


@pytest.fixture(autouse=True)
def catalog_cache(settings):
    settings.CATALOG_CACHE_ENABLED = True
    cache.clear()


@pytest.fixture
def pack(db):
    product = ProductFactory(name="Cachamol tablets", slug="cachamol-tablets")
    return PackFactory(product=product, sku="CACHE-1", price_amount=Decimal("3.49"), stock_quantity=5)


def api_pack(client, pack) -> dict:
    products = client.get(LIST).json()["results"]
    return next(p for product in products for p in product["packs"] if p["sku"] == pack.sku)


def api_product(client, product_id) -> dict:
    return client.get(f"/api/v1/products/{product_id}/").json()


def page(client, url) -> str:
    return client.get(url).content.decode()


def seen(client, pack) -> dict:
    """What an anonymous shopper sees of `pack` everywhere it is cached (and fills every cache)."""
    detail = api_product(client, pack.product_id)
    product_page = page(client, reverse("catalog:product-detail", args=[pack.product.slug]))
    return {
        "list_price": api_pack(client, pack)["price"]["amount"],
        "detail_price": next(p for p in detail["packs"] if p["sku"] == pack.sku)["price"]["amount"],
        "in_stock": api_pack(client, pack)["in_stock"],
        "list_page": page(client, reverse("catalog:product-list")),
        "product_page": product_page,
        "leaflet": detail["current_leaflet"],
    }


def committed(django_capture_on_commit_callbacks, write):
    """Run `write` in its own transaction and run what it leaves for after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            return write()


def test_reads_are_served_from_the_cache_until_the_version_changes(client, pack, django_assert_num_queries):
    assert seen(client, pack)["list_price"] == "3.49"
    Pack.objects.filter(pk=pack.pk).update(price_amount=Decimal("9.99"))  # behind the services' back
    with django_assert_num_queries(0):
        assert api_pack(client, pack)["price"]["amount"] == "3.49"  # cached, no query at all
        api_product(client, pack.product_id)
    assert "3.49" in page(client, reverse("catalog:product-list"))


def test_set_price_shows_the_new_price_everywhere(client, pack, django_capture_on_commit_callbacks):
    before = seen(client, pack)
    assert before["list_price"] == before["detail_price"] == "3.49"
    committed(django_capture_on_commit_callbacks, lambda: set_price(pack=pack, amount=Decimal("4.25")))
    after = seen(client, pack)
    assert after["list_price"] == after["detail_price"] == "4.25"
    assert "4.25" in after["list_page"] and "4.25" in after["product_page"]
    assert "3.49" not in after["product_page"]


def test_the_version_is_bumped_again_after_the_commit(pack, django_capture_on_commit_callbacks):
    # A reader that filled the new version from the snapshot before the commit is discarded then.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            set_price(pack=pack, amount=Decimal("4.25"))
            inside = catalog_version()
    assert callbacks, "no bump was left for after the commit"
    for callback in callbacks:
        callback()
    assert catalog_version() > inside


def test_publishing_a_leaflet_shows_the_new_revision(client, pack, django_capture_on_commit_callbacks):
    first = seen(client, pack)["leaflet"]
    revision = committed(django_capture_on_commit_callbacks, lambda: publish_leaflet(pack.product, marker="NEWTEXT"))
    after = seen(client, pack)
    assert after["leaflet"]["id"] == revision.pk != first["id"]
    assert "NEWTEXT" in after["product_page"]
    assert "NEWTEXT" in str(client.get(f"/api/v1/leaflets/{revision.pk}/").json())


def test_a_sale_of_the_last_units_shows_out_of_stock_and_a_release_in_stock(
    client, pack, django_capture_on_commit_callbacks
):
    assert seen(client, pack)["in_stock"] is True
    committed(django_capture_on_commit_callbacks, lambda: reserve_stock(quantities={pack.pk: 5}))
    assert seen(client, pack)["in_stock"] is False
    assert "out of stock" in page(client, reverse("catalog:product-list"))
    committed(django_capture_on_commit_callbacks, lambda: release_stock(quantities={pack.pk: 2}))
    assert seen(client, pack)["in_stock"] is True


def test_a_sale_that_leaves_stock_does_not_bump_the_version(pack, django_capture_on_commit_callbacks):
    version = catalog_version()
    committed(django_capture_on_commit_callbacks, lambda: reserve_stock(quantities={pack.pk: 2}))
    committed(django_capture_on_commit_callbacks, lambda: release_stock(quantities={pack.pk: 1}))
    assert catalog_version() == version


def test_a_stock_take_to_zero_shows_out_of_stock(client, pack, django_capture_on_commit_callbacks):
    assert seen(client, pack)["in_stock"] is True
    committed(django_capture_on_commit_callbacks,
              lambda: record_stock_take(pack=pack, batch_number=f"B-{pack.sku}", quantity=0))
    assert seen(client, pack)["in_stock"] is False


def test_a_new_synonym_is_found_by_a_search_cached_before(client, pack, django_capture_on_commit_callbacks):
    assert client.get(LIST, {"search": "Cacheprofen"}).json()["count"] == 0
    committed(django_capture_on_commit_callbacks,
              lambda: set_product_synonyms(product=pack.product, names=["Cacheprofen"]))
    assert client.get(LIST, {"search": "Cacheprofen"}).json()["count"] == 1


def test_reclassification_shows_the_new_legal_category(client, pack, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    from accounts.roles import SUPERINTENDENTS_GROUP
    from catalog.reclassification import reclassify_product
    from tests.factories import PharmacistFactory

    superintendent = PharmacistFactory()
    superintendent.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    assert api_product(client, pack.product_id)["legal_category"] == "general_sale"
    committed(django_capture_on_commit_callbacks, lambda: reclassify_product(
        product=pack.product, legal_category="pharmacy", schedule=None, actor=superintendent,
        reason="MHRA reclassification"))
    assert api_product(client, pack.product_id)["legal_category"] == "pharmacy"
    assert client.get(LIST).json()["results"][0]["legal_category"] == "pharmacy"


def test_an_import_shows_its_new_price(client, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_csv(tmp_path, [pack_row(price="12.99")]))
    pack = Pack.objects.get(sku="BAC-10-84")
    assert api_pack(client, pack)["price"]["amount"] == "12.99"
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_csv(tmp_path, [pack_row(price="13.49")], name="again.csv"))
    assert api_pack(client, pack)["price"]["amount"] == "13.49"
    assert "13.49" in page(client, reverse("catalog:product-detail", args=[pack.product.slug]))


def test_admin_saves_and_deletes_show_at_once(admin_client, client, pack, django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Pain", slug="pain")
    assert [c["name"] for c in client.get("/api/v1/categories/").json()["results"]] == ["Pain"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url(Category, "change", category.pk),
                                     {"name": "Pain relief", "slug": "pain", "description": ""})
    assert response.status_code == 302
    assert [c["name"] for c in client.get("/api/v1/categories/").json()["results"]] == ["Pain relief"]

    other = PackFactory(product=pack.product, sku="CACHE-2", stock_quantity=0)  # no batch: deletable
    assert {p["sku"] for p in api_product(client, pack.product_id)["packs"]} == {"CACHE-1", "CACHE-2"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url(Pack, "delete", other.pk), {"post": "yes"})
    assert response.status_code == 302
    assert {p["sku"] for p in api_product(client, pack.product_id)["packs"]} == {"CACHE-1"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url(Pack, "set_price", pack.pk), {"price_amount": "5.55"})
    assert api_pack(client, pack)["price"]["amount"] == "5.55"


def test_the_api_answers_a_current_etag_with_304_and_a_stale_one_with_200(
    client, pack, django_capture_on_commit_callbacks
):
    first = client.get(LIST)
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    again = client.get(LIST, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.content
    detail = client.get(f"/api/v1/products/{pack.product_id}/")
    assert client.get(f"/api/v1/products/{pack.product_id}/",
                      headers={"If-None-Match": detail.headers["ETag"]}).status_code == 304
    committed(django_capture_on_commit_callbacks, lambda: set_price(pack=pack, amount=Decimal("4.25")))
    changed = client.get(LIST, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_pages_answer_a_cookieless_visitor_with_304(client, pack):
    url = reverse("catalog:product-detail", args=[pack.product.slug])
    first = client.get(url)
    assert "private" in first.headers["Cache-Control"] and "ETag" in first.headers
    client.cookies.clear()  # the CSRF cookie set by the first answer is part of the validator
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    listing = client.get(reverse("catalog:product-list"))
    client.cookies.clear()
    assert client.get(reverse("catalog:product-list"),
                      headers={"If-None-Match": listing.headers["ETag"]}).status_code == 304


def test_pages_of_a_signed_in_shopper_carry_no_etag(client, user, pack):
    client.force_login(user)
    response = client.get(reverse("catalog:product-detail", args=[pack.product.slug]))
    assert response.status_code == 200 and "ETag" not in response.headers
    assert "private" in response.headers["Cache-Control"]


def test_an_unknown_product_is_404_and_not_cached(client):
    assert client.get("/api/v1/products/999999/").status_code == 404
    product = ProductFactory()
    assert client.get(f"/api/v1/products/{product.pk}/").status_code == 200
    assert Product.objects.count() == 1


@pytest.fixture
def redis_cache(private_redis, settings):
    settings.CACHES = {"default": {
        "BACKEND": "pharmacy.cache.FailOpenRedisCache", "LOCATION": private_redis.url(),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    return private_redis


def test_on_redis_a_price_change_shows_and_an_outage_reads_the_database(
    redis_cache, client, pack, django_capture_on_commit_callbacks
):
    assert api_pack(client, pack)["price"]["amount"] == "3.49"
    committed(django_capture_on_commit_callbacks, lambda: set_price(pack=pack, amount=Decimal("4.25")))
    assert api_pack(client, pack)["price"]["amount"] == "4.25"
    redis_cache.stop()
    # The bump is lost while Redis is down; nothing is cached either, so the page reads the database.
    committed(django_capture_on_commit_callbacks, lambda: set_price(pack=pack, amount=Decimal("5.00")))
    assert api_pack(client, pack)["price"]["amount"] == "5.00"


def _buy_form_fields(html: str) -> tuple[str, str]:
    import re

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', html).group(1)
    next_path = re.search(r'name="next" value="([^"]*)"', html).group(1)
    return token, next_path


def test_a_cached_product_page_gives_each_visitor_their_own_csrf_token_and_path(pack):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    url = reverse("catalog:product-detail", args=[pack.product.slug])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url).content.decode()
    second_page = second.get(url + '?from="search"&x=<b>').content.decode()  # served from the cache

    first_token, first_next = _buy_form_fields(first_page)
    second_token, second_next = _buy_form_fields(second_page)
    assert first_next == url
    assert second_next == url + "?from=%22search%22&amp;x=%3Cb%3E"  # the path as the template escapes it
    assert _unmask_cipher_token(second_token) == second.cookies["csrftoken"].value  # the visitor's own secret
    assert _unmask_cipher_token(first_token) != _unmask_cipher_token(second_token)
    added = second.post(reverse("cart:add"), {"csrfmiddlewaretoken": second_token, "pack": pack.pk, "quantity": 1})
    assert added.status_code == 302  # the token in the cached page is accepted: the pack is in the cart


def test_the_product_page_follows_the_controlled_drug_setting_without_a_catalog_write(client, settings):
    product = ProductFactory(name="Codeine linctus", slug="codeine-linctus", controlled_drug_schedule=5)
    PackFactory(product=product, sku="CODEINE-1", stock_quantity=5)
    publish_leaflet(product)
    settings.CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE = [5]
    settings.ALLOW_CONTROLLED_DRUGS_ONLINE = False
    url = reverse("catalog:product-detail", args=[product.slug])
    assert 'id="controlled-drug-notice"' in page(client, url)

    settings.ALLOW_CONTROLLED_DRUGS_ONLINE = True

    html = page(client, url)
    assert 'id="controlled-drug-notice"' not in html
    assert 'class="add-to-cart"' in html
