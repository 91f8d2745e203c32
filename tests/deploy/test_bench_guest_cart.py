"""The bench's guest cart (bench.site.guest_cart_cookie) is filled through the storefront as a shopper would,
and the cookie it hands the cart page's rounds shows those lines and nothing else: the flash messages of
the additions were taken once, as a browser's next page takes them, not shown again on every request."""

import urllib.request

import pytest

from bench.site import guest_cart_cookie
from tests.factories import PackFactory


@pytest.mark.django_db(transaction=True)
def test_the_bench_guest_cart_shows_its_lines_without_the_flash_messages(live_server):
    packs = [PackFactory() for _ in range(3)]

    cookie = guest_cart_cookie(live_server.url, [pack.pk for pack in packs], f"/medicines/{packs[0].product.slug}/")

    request = urllib.request.Request(live_server.url + "/cart/", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
    assert page.count('name="quantity"') == 3
    assert 'class="messages"' not in page
    assert "messages=" not in cookie and "sessionid=" in cookie
