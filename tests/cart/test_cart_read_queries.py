"""The cart page and the cart API read the lines, their packs and their prices in a number of queries that
does not grow with the lines."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.urls import reverse

from cart.models import Cart
from cart.selectors import (
    COMPILED_STRENGTH_PACKS,
    get_cart_summary,
    get_guest_cart,
    get_guest_cart_summary,
    list_cart_lines,
    prefetched_strengths,
    read_cart_lines,
)
from cart.services import add_to_cart, get_or_create_user_cart
from catalog.cache import VERSION_KEY
from catalog.models import Ingredient, Strength, usable_expiry_after
from tests.factories import PackFactory, StockBatchFactory, set_available_stock

pytestmark = pytest.mark.django_db

# what the lines, their packs and their prices cost: the cart, its lines with packs, products, prices and
# availability in one query, and the packs' strengths
LINE_QUERIES = 3
# then the clinical advice on the cart: the health record with the names of its allergy ingredients and
# other medicines, and what was supplied lately
ADVICE_QUERIES = 2
# the cart page also quotes delivery (the methods and their prices)
DELIVERY_QUERIES = 1


def fill_cart(user, lines: int) -> None:
    cart = get_or_create_user_cart(user=user)
    for _ in range(lines):
        add_to_cart(cart=cart, pack=PackFactory(), quantity=1)


def line_queries(captured) -> list[str]:
    """The queries that read the cart, its lines, packs (with their prices) and strengths."""
    reads = re.compile(r'FROM "(cart_cart|cart_cartline|catalog_pack|catalog_product|catalog_strength)"')
    return [query["sql"] for query in captured if reads.search(query["sql"])]


@pytest.mark.parametrize("lines", [1, 10])
def test_the_cart_api_reads_its_lines_in_a_constant_number_of_queries(
    shopper_client, user, lines, django_assert_num_queries
):
    fill_cart(user, lines)

    with django_assert_num_queries(LINE_QUERIES + ADVICE_QUERIES) as captured:
        response = shopper_client.get("/api/v1/cart/")

    assert len(response.json()["lines"]) == lines
    assert len(line_queries(captured.captured_queries)) == LINE_QUERIES


@pytest.mark.parametrize("lines", [1, 10])
def test_the_cart_page_reads_its_lines_in_a_constant_number_of_queries(
    client, user, lines, django_assert_num_queries
):
    fill_cart(user, lines)
    client.force_login(user)

    # + the session and the signed-in user
    with django_assert_num_queries(2 + LINE_QUERIES + ADVICE_QUERIES + DELIVERY_QUERIES) as captured:
        response = client.get(reverse("cart:detail"))

    assert response.content.decode().count('name="quantity"') == lines
    assert len(line_queries(captured.captured_queries)) == LINE_QUERIES


def _shown(lines) -> list[tuple]:
    return [(line.pk, line.quantity, line.pack.pk, line.pack.display_name, line.pack.product.slug,
             line.pack_stock_available, line.unit_price, line.line_total,
             [(strength.ingredient.name, strength.amount) for strength in line.pack.strengths.all()])
            for line in lines]


def test_the_compiled_read_gives_what_the_queryset_gives_for_each_cart_as_stock_changes(
    user, other_user, django_assert_num_queries
):
    fill_cart(user, 3)
    fill_cart(other_user, 1)
    carts = [get_or_create_user_cart(user=user), get_or_create_user_cart(user=other_user)]
    short = carts[0].lines.order_by("pk").first().pack
    StockBatchFactory(pack=short, quantity_on_hand=7, expiry_date=usable_expiry_after())  # inside the margin

    for cart in carts:
        with django_assert_num_queries(2):
            shown = _shown(read_cart_lines(cart=cart))
        assert shown == _shown(list_cart_lines(cart=cart))
    assert [len(read_cart_lines(cart=cart)) for cart in carts] == [3, 1]
    assert read_cart_lines(cart=carts[0])[0].pack_stock_available == 100

    set_available_stock(short, 2)  # read afresh: the SQL is kept, never the rows

    assert read_cart_lines(cart=carts[0])[0].pack_stock_available == 2


def test_a_cart_with_more_packs_than_the_compiled_strengths_query_holds_reads_them_all(
    user, django_assert_num_queries
):
    fill_cart(user, COMPILED_STRENGTH_PACKS + 1)
    cart = get_or_create_user_cart(user=user)

    with django_assert_num_queries(2):
        shown = _shown(read_cart_lines(cart=cart))

    assert shown == _shown(list_cart_lines(cart=cart))
    assert all(strengths for *_, strengths in shown)


def test_a_guest_cart_summary_reads_the_cart_with_its_lines_as_the_cart_then_its_lines_give_it(
    client, django_assert_num_queries
):
    packs = [PackFactory(), PackFactory()]
    for pack in packs:
        client.post(reverse("cart:add"), {"pack": pack.pk, "quantity": 2})
    set_available_stock(packs[1], 1)  # a blocker
    token = client.session["cart_token"]
    cart = get_guest_cart(token=token)

    with django_assert_num_queries(1):  # the lines with their cart and their packs' strengths
        summary = get_guest_cart_summary(token=token)

    expected = get_cart_summary(cart=cart)
    assert summary.cart == cart and {line.cart for line in summary.lines} == {summary.cart}
    assert _shown(summary.lines) == _shown(expected.lines)
    assert (summary.total, summary.blockers) == (expected.total, expected.blockers)
    assert [blocker.code for blocker in summary.blockers] == ["out_of_stock"]


def test_a_guest_cart_summary_reads_packs_with_several_strengths_or_none_in_their_order(
    client, django_assert_num_queries
):
    two, none, one = PackFactory(), PackFactory(), PackFactory()
    two.strengths.update(position=5)
    Strength.objects.create(pack=two, ingredient=Ingredient.objects.create(name="codeine"), amount=8, unit="mg",
                            position=1)  # before the factory's, which was made first
    Strength.objects.create(pack=two, ingredient=Ingredient.objects.create(name="zinc"), amount=500, unit="mg",
                            per_amount=5, per_unit="mL", position=9)
    none.strengths.all().delete()
    for pack in (two, none, one):
        client.post(reverse("cart:add"), {"pack": pack.pk, "quantity": 1})
    token = client.session["cart_token"]

    with django_assert_num_queries(1):
        summary = get_guest_cart_summary(token=token)
        shown = _shown(summary.lines)
        names = [line.pack.display_name for line in summary.lines]

    assert shown == _shown(get_cart_summary(cart=get_guest_cart(token=token)).lines)
    assert [strengths for *_, strengths in shown] == [
        [("codeine", 8), (two.strengths.get(position=5).ingredient.name, 10), ("zinc", 500)], [],
        [(one.strengths.get().ingredient.name, 10)],
    ]
    assert "8 mg/10 mg/500 mg/5 mL" in names[0]
    assert [line.pack for line in summary.lines] == [two, none, one]
    assert all(strength.pack is line.pack for line in summary.lines for strength in line.pack.strengths.all())
    zinc = two.strengths.get(amount=500)
    with django_assert_num_queries(1):  # filtering a prefetched relation queries, as Django's prefetch does
        assert list(summary.lines[0].pack.strengths.filter(amount__gt=100)) == [zinc]


def test_prefetched_strengths_is_the_queryset_django_prefetches(django_assert_num_queries):
    packs = [PackFactory(), PackFactory()]
    prefetch_related_objects(packs, "strengths")
    for pack in packs:
        expected = pack.strengths.all()
        ours = prefetched_strengths(pack, list(expected))
        with django_assert_num_queries(0):
            assert (list(ours), ours.count(), ours.db) == (list(expected), expected.count(), expected.db)
        for change in (lambda qs: qs.filter(amount__gt=0), lambda qs: qs.exclude(unit="mg"), lambda qs: qs.all(),
                       lambda qs: qs.order_by("-pk")):
            assert str(change(ours).query) == str(change(expected).query)
            assert list(change(ours)) == list(change(expected))
        assert (ours._hints, ours._known_related_objects) == (expected._hints, expected._known_related_objects)


def test_a_guest_cart_summary_of_an_emptied_a_signed_in_or_no_cart(client, user, django_assert_num_queries):
    client.post(reverse("cart:add"), {"pack": PackFactory().pk, "quantity": 1})
    token = client.session["cart_token"]
    cart = get_guest_cart(token=token)
    cart.lines.all().delete()

    with django_assert_num_queries(2):  # no lines: the cart is read by itself
        summary = get_guest_cart_summary(token=token)

    assert summary.cart == cart and summary.is_empty and summary.blockers[0].code == "cart_empty"
    Cart.objects.filter(pk=cart.pk).update(user=user)  # a guest cart that became an account's is no guest's
    assert get_guest_cart_summary(token=token) is None
    assert get_guest_cart_summary(token=uuid.uuid4()) is None
    assert get_guest_cart_summary(token="not a token") is None


def test_the_cached_cart_page_reads_the_catalog_version_once(client, settings, monkeypatch):
    """With the catalog cache on, the delivery methods are its only cached read: one read of the version
    (memoised for the request), and their entry is not read again while the version stays
    (delivery.selectors keeps the list per process)."""
    settings.CATALOG_CACHE_ENABLED = True
    cache.clear()
    client.post(reverse("cart:add"), {"pack": PackFactory().pk, "quantity": 1})
    client.get(reverse("cart:detail"))  # shows the "Added" message, and fills the delivery methods' entry
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: reads.append(key) or real_get(key, *args, **kwargs))

    response = client.get(reverse("cart:detail"))

    assert response.content.decode().count('name="quantity"') == 1
    assert reads == [VERSION_KEY]
