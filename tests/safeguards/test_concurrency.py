"""Two accounts checking out to one address at the same moment: the address lock, not luck, keeps the
per-address limit."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from checkout.services import place_order
from orders.models import Order
from safeguards.demo import load_demo_purchase_limits
from tests.builders.concurrency import race
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_accounts_racing_to_one_address_cannot_both_pass_its_limit(para16):
    assert connection.vendor == "postgresql"
    load_demo_purchase_limits()  # 6 paracetamol packs per address in 30 days
    # Different packs, so the stock row locks do not already queue the two checkouts.
    caplets = PackFactory(product=ProductFactory(name="Paracetamol caplets", slug="paracetamol-caplets"),
                          strength=Decimal("500"))
    shoppers = [UserFactory(), UserFactory()]
    carts = [cart_with(shopper, (pack, 4)) for shopper, pack in zip(shoppers, (para16, caplets), strict=True)]

    results = race([
        (lambda s=shopper, c=cart: place_order(user=s, cart=c, details=details(), idempotency_key="race"))
        for shopper, cart in zip(shoppers, carts, strict=True)
    ])

    assert Counter(type(result).__name__ for result in results) == {"Order": 1, "PurchaseLimitExceeded": 1}
    assert Order.objects.count() == 1
