"""The checks cost the same number of queries whatever the number of lines and rules."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cart.selectors import list_cart_lines
from checkout.services import place_order
from clinical import services
from clinical.rule_table import rule_table
from clinical.services import advice_for_cart, review_alerts
from tests.builders.orders import cart_with, details

pytestmark = pytest.mark.django_db
SKUS = ("BAC-10-84", "IBU-200-16", "PARA-500-16", "COCO-8-500-32")


def _cart_queries(user, packs, skus) -> int:
    lines = list(list_cart_lines(cart=cart_with(user, *((packs[sku], 1) for sku in skus))))
    with CaptureQueriesContext(connection) as queries:
        advice_for_cart(user=user, cart_lines=lines)
    return len(queries)


def test_cart_and_checkout_checks_are_constant_in_lines_and_rules(user, other_user, packs, monkeypatch,
                                                                 django_assert_num_queries):
    one_line = _cart_queries(other_user, packs, SKUS[:1])
    table = rule_table()
    monkeypatch.setattr(services, "rule_table", lambda: dataclasses.replace(table, rules=table.rules * 3))
    lines = list(list_cart_lines(cart=cart_with(user, *((packs[sku], 1) for sku in SKUS))))

    with django_assert_num_queries(one_line):
        result = advice_for_cart(user=user, cart_lines=lines)
    assert result.advice  # several lines, several alerts: still the same queries


def _review_queries(user, packs, skus, key) -> int:
    order = place_order(user=user, cart=cart_with(user, *((packs[sku], 1) for sku in skus)), details=details(),
                        idempotency_key=key)
    with CaptureQueriesContext(connection) as queries:
        review_alerts(order=order)
    return len(queries)


def test_review_checks_are_constant_in_lines(user, other_user, packs):
    # GSL and P lines only: no prescription needed to place them. Two shoppers, each with no history.
    one_line = _review_queries(other_user, packs, ("IBU-200-16",), "one")
    three_lines = _review_queries(user, packs, ("IBU-200-16", "PARA-500-16", "COCO-8-500-32"), "three")

    assert three_lines == one_line
