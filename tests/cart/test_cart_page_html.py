"""The cart page's HTML stays what it was, byte for byte: the bench's page (a guest's three general-sale packs)
against a stored copy, and every other shape of the page against the template it was rendered from before
(tests/builders/cart_page.py, fed the context the view gave it then). Only the CSRF tokens (masked afresh on
every render) and the database's line ids are put in neutral form."""

import html as html_module
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from cart.models import Cart
from delivery.models import DeliveryMethod
from tests.builders.cart_page import neutral, page_before
from tests.factories import PackFactory, ProductFactory, UserFactory, set_available_stock

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "cart_page_three_lines.html"


@pytest.fixture
def methods(db):
    return (
        DeliveryMethod.objects.create(code="standard", name="Standard & <b>delivery</b>", price_amount=Decimal("3.95"),
                                      free_over_amount=Decimal("30.00"), position=1),
        DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"),
                                      estimated_days_min=1, estimated_days_max=1, position=2),
        DeliveryMethod.objects.create(code="collect", name="Click & collect", price_amount=Decimal("0.00"),
                                      position=3),
    )


def three_packs() -> list:
    return [
        PackFactory(product=ProductFactory(name=f"Golden{n} tablets", slug=f"golden{n}-tablets"), sku=f"GOLD-{n}",
                    price_amount=Decimal(price))
        for n, price in ((1, "3.49"), (2, "12.00"), (3, "0.99"))
    ]


def add(client, pack, quantity=1):
    return client.post(reverse("cart:add"), {"pack": pack.pk, "quantity": quantity})


def test_the_three_line_guest_cart_page_is_the_stored_page(client, methods):
    for pack in three_packs():
        add(client, pack)
    client.get(reverse("cart:detail"))  # shows (and so drops) the "Added" messages, as the bench's cookie did

    html = client.get(reverse("cart:detail")).content.decode()

    assert neutral(html) == GOLDEN.read_text(encoding="utf-8")


def test_the_pages_with_messages_and_a_prescription_line_are_as_before(client, methods):
    packs = three_packs()
    prescription = PackFactory(product=ProductFactory(name='Presolol & "co" <tablets>', slug="presolol-tablets",
                                                      legal_category="prescription"), max_per_order=2)
    for pack in [*packs, prescription]:
        add(client, pack, 2)

    response = client.get(reverse("cart:detail"))  # with the "Added" messages

    assert "Added 2" in response.content.decode()
    assert neutral(response.content.decode()) == neutral(page_before(response))


def test_the_page_without_delivery_methods_and_over_the_free_threshold_is_as_before(client):
    add(client, PackFactory(price_amount=Decimal("45.00")), 1)

    response = client.get(reverse("cart:detail"))

    assert neutral(response.content.decode()) == neutral(page_before(response))


def test_the_signed_in_page_with_free_delivery_and_a_blocked_line_is_as_before(client, methods):
    client.force_login(UserFactory())
    short, plenty = PackFactory(price_amount=Decimal("15.00")), PackFactory(price_amount=Decimal("1234.50"))
    add(client, short, 3)
    add(client, plenty, 1)
    set_available_stock(short, 1)

    response = client.get(reverse("cart:detail"))

    html = response.content.decode()
    assert "Before you can check out" in html and "is free on this order" in html
    assert neutral(html) == neutral(page_before(response))


@pytest.mark.parametrize("typed", ["1.5\"<", "0", "9999"])
def test_a_refused_quantity_page_is_as_before(client, methods, typed):
    packs = three_packs()
    for pack in packs:
        add(client, pack)
    line_id = Cart.objects.get().lines.order_by("pk")[1].pk

    response = client.post(reverse("cart:line-update", args=[line_id]), {"quantity": typed})

    html = response.content.decode()
    assert response.status_code == 200 and "Error: Your cart" in html
    error = html_module.unescape(re.search(r'class="field-error" id="[^"]+">([^<]*)</p>', html).group(1))
    assert neutral(html) == neutral(page_before(response, invalid_line_id=line_id, typed_quantity=typed[:20],
                                                error=error))


@pytest.mark.parametrize("with_cart", [False, True])
def test_the_empty_cart_page_is_as_before(client, with_cart):
    if with_cart:
        add(client, pack := PackFactory())
        client.post(reverse("cart:line-remove", args=[Cart.objects.get().lines.get(pack=pack).pk]))
        client.get(reverse("cart:detail"))

    response = client.get(reverse("cart:detail"))

    assert "Your cart is empty." in response.content.decode()
    assert neutral(response.content.decode()) == neutral(page_before(response))
