"""The cart page: lines, quantities, removal, totals, what blocks checkout, and the prescription notice."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cart.models import Cart, CartLine
from tests.factories import PackFactory, ProductFactory, UserFactory, set_available_stock

pytestmark = pytest.mark.django_db


def guest_adds(client, pack, quantity=1) -> Cart:
    client.post(reverse("cart:add"), {"pack": pack.pk, "quantity": quantity})
    return Cart.objects.get(token=client.session["cart_token"])


def line_quantities(cart) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(cart=cart).order_by("pk").values_list("pack_id", "quantity"))


def test_cart_page_lists_lines_totals_and_a_checkout_button(client, gsl_pack, pom_pack):
    guest_adds(client, gsl_pack, 3)
    guest_adds(client, pom_pack, 1)

    response = client.get(reverse("cart:detail"))

    html = response.content.decode()
    assert response.status_code == 200
    quantities = re.findall(r'data-label="Item">\s*<a href="([^"]+)">.*?name="quantity" value="(\d+)"', html, re.DOTALL)
    assert quantities == [(gsl_pack.product.get_absolute_url(), "3"), (pom_pack.product.get_absolute_url(), "1")]
    assert "Subtotal (4 items)" in html and "£22.97" in html  # 3 × 3.49 + 12.50
    assert html.count("Prescription only") == 1
    assert "You will need a prescription for this item at checkout" in html
    assert f'href="{reverse("checkout:checkout")}"' in html
    assert "<title>Your cart · " in html


def test_empty_cart_says_so_without_creating_a_cart(client):
    response = client.get(reverse("cart:detail"))

    assert "Your cart is empty." in response.content.decode()
    assert not Cart.objects.exists()


def test_changing_a_quantity_saves_it_and_redirects(client, gsl_pack):
    cart = guest_adds(client, gsl_pack, 1)
    line = cart.lines.get()

    response = client.post(reverse("cart:line-update", args=[line.pk]), {"quantity": "4"})

    assert response.status_code == 302 and response["Location"] == reverse("cart:detail")
    assert line_quantities(cart) == [(gsl_pack.pk, 4)]


@pytest.mark.parametrize(("typed", "error"), [
    ("0", "Enter a quantity of at least 1, or remove the item."),
    ("-3", "Enter a quantity of at least 1, or remove the item."),
    ("", "Enter a quantity of at least 1, or remove the item."),
    ("two", "Enter a whole number, such as 2."),
    ("1.5", "Enter a whole number, such as 2."),
    ("99999999999999999999999999", "Enter a quantity of at most 1000."),
])
def test_a_bad_quantity_is_shown_on_its_line_and_changes_nothing(client, gsl_pack, typed, error):
    cart = guest_adds(client, gsl_pack, 2)
    line = cart.lines.get()

    response = client.post(reverse("cart:line-update", args=[line.pk]), {"quantity": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="form-errors" role="alert">' in html
    assert f'<p class="field-error" id="quantity-line-{line.pk}-error">{error}</p>' in html
    assert f'aria-describedby="quantity-line-{line.pk}-error"' in html
    assert f'value="{typed[:20]}"' in html  # what was typed stays, cut to a sane length
    assert "<title>Error: Your cart · " in html
    assert line_quantities(cart) == [(gsl_pack.pk, 2)]


def test_a_quantity_over_the_pack_limit_is_refused_on_its_line(client):
    pack = PackFactory(max_per_order=2)
    cart = guest_adds(client, pack, 1)
    line = cart.lines.get()

    response = client.post(reverse("cart:line-update", args=[line.pk]), {"quantity": "3"})

    assert f"{pack.display_name}: at most 2 per order." in response.content.decode()
    assert line_quantities(cart) == [(pack.pk, 1)]


def test_a_quantity_over_the_stock_is_refused_on_its_line(client):
    pack = PackFactory(stock_quantity=5)
    cart = guest_adds(client, pack, 1)
    line = cart.lines.get()

    response = client.post(reverse("cart:line-update", args=[line.pk]), {"quantity": "6"})

    assert f"{pack.display_name}: only 5 left in stock, 6 requested." in response.content.decode()
    assert line_quantities(cart) == [(pack.pk, 1)]


def test_removing_a_line_deletes_it(client, gsl_pack, pom_pack):
    cart = guest_adds(client, gsl_pack, 1)
    guest_adds(client, pom_pack, 1)
    line = cart.lines.get(pack=gsl_pack)

    response = client.post(reverse("cart:line-remove", args=[line.pk]))

    assert response["Location"] == reverse("cart:detail")
    assert line_quantities(cart) == [(pom_pack.pk, 1)]


def test_another_cart_line_cannot_be_changed_or_removed(client, gsl_pack):
    someone_else = Cart.objects.create(user=UserFactory())
    their_line = CartLine.objects.create(cart=someone_else, pack=gsl_pack, quantity=1)
    guest_adds(client, gsl_pack, 1)

    update = client.post(reverse("cart:line-update", args=[their_line.pk]), {"quantity": "9"}, follow=True)
    remove = client.post(reverse("cart:line-remove", args=[their_line.pk]), follow=True)

    for response in (update, remove):
        assert response.status_code == 200
        assert "That line is not in your cart." in response.content.decode()
    assert line_quantities(someone_else) == [(gsl_pack.pk, 1)]


@pytest.mark.parametrize("line_id", ["0", "99999999999999999999999"])
def test_a_tampered_line_id_is_reported_not_a_server_error(client, gsl_pack, line_id):
    cart = guest_adds(client, gsl_pack, 1)

    update = client.post(f"/cart/lines/{line_id}/quantity/", {"quantity": "2"}, follow=True)
    remove = client.post(f"/cart/lines/{line_id}/remove/", follow=True)

    assert update.status_code == remove.status_code == 200
    assert line_quantities(cart) == [(gsl_pack.pk, 1)]


def test_a_guest_without_a_cart_changing_a_line_is_told_it_is_gone(client):
    response = client.post(reverse("cart:line-update", args=[1]), {"quantity": "2"}, follow=True)

    assert "That line is not in your cart." in response.content.decode()
    assert not Cart.objects.exists()


def test_cart_pages_refuse_get_for_changes(client, gsl_pack):
    line = guest_adds(client, gsl_pack, 1).lines.get()

    assert client.get(reverse("cart:line-update", args=[line.pk])).status_code == 405
    assert client.get(reverse("cart:line-remove", args=[line.pk])).status_code == 405


def test_blockers_replace_the_checkout_button(client, gsl_pack):
    cart = guest_adds(client, gsl_pack, 2)
    set_available_stock(gsl_pack, 1)

    html = client.get(reverse("cart:detail")).content.decode()

    assert "Before you can check out" in html
    assert f"{gsl_pack.display_name}: only 1 left in stock, 2 requested." in html
    assert f'href="#line-{cart.lines.get().pk}"' in html
    assert reverse("checkout:checkout") not in html


def fill_cart(user, count: int) -> None:
    cart, _ = Cart.objects.get_or_create(user=user)
    for index in range(count):
        product = ProductFactory(legal_category="prescription" if index % 2 else "general_sale")
        CartLine.objects.create(cart=cart, pack=PackFactory(product=product, price_amount=Decimal("1.00")),
                                quantity=1)


@pytest.mark.parametrize("line_count", [1, 6])
def test_cart_page_queries_do_not_grow_with_lines(client, django_assert_num_queries, line_count):
    user = UserFactory()
    fill_cart(user, line_count)
    client.force_login(user)

    # session, user, cart, lines (with packs and products), strengths, delivery methods, what we supplied the
    # patient and their health record with its ingredients' names (the clinical checks' advice)
    with django_assert_num_queries(8):
        response = client.get(reverse("cart:detail"))

    assert response.content.decode().count('name="quantity"') == line_count


@pytest.mark.parametrize("line_count", [1, 10])
def test_guest_cart_page_queries_do_not_grow_with_lines(client, django_assert_num_queries, line_count):
    for _ in range(line_count):
        guest_adds(client, PackFactory())

    # session, lines (with their cart, found by the session's token, packs, products and strengths), delivery
    # methods
    with django_assert_num_queries(3):
        response = client.get(reverse("cart:detail"))

    assert response.content.decode().count('name="quantity"') == line_count
