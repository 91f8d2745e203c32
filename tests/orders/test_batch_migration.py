"""The data migration: today's stock becomes one LEGACY batch per pack, and orders placed but not yet
dispatched keep their units as the pack's allocation, so what can be sold does not change."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("catalog", "0003_protect_published_leaflets_in_postgresql"), ("orders", "0003_order_awaiting_review_proxy")]
AFTER = [("catalog", "0004_stock_batches"), ("orders", "0006_order_line_batches")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_stock_becomes_a_legacy_batch_and_live_orders_an_allocation():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        Product = apps.get_model("catalog", "Product")
        Pack = apps.get_model("catalog", "Pack")
        LeafletRevision = apps.get_model("catalog", "LeafletRevision")
        Order = apps.get_model("orders", "Order")
        OrderLine = apps.get_model("orders", "OrderLine")
        user = User.objects.create(email="legacy@example.org", full_name="Legacy Shopper")
        product = Product.objects.create(name="Oldamol tablets", slug="oldamol", legal_category="general_sale",
                                         dosage_form="tablet")
        revision = LeafletRevision.objects.create(product=product, number=1, revised_on=datetime.date(2026, 1, 1))
        sold = Pack.objects.create(product=product, sku="OLD-1", pack_size=16, price_amount="1.00", stock_quantity=10)
        empty = Pack.objects.create(product=product, sku="OLD-2", pack_size=32, price_amount="2.00", stock_quantity=0)
        for number, status, pack, quantity in [("PH-LIVE0001", "approved", sold, 3),
                                               ("PH-DONE0001", "dispatched", sold, 5),
                                               ("PH-WAIT0001", "awaiting_prescription_review", empty, 2)]:
            order = Order.objects.create(number=number, user=user, status=status, email="l@example.org",
                                         full_name="Legacy Shopper", phone="1", address_line1="1 Street",
                                         city="Leeds", postcode="LS1", currency="GBP", total_amount="1.00",
                                         idempotency_key=number, request_fingerprint="x")
            OrderLine.objects.create(order=order, pack=pack, sku=pack.sku, product_name="Oldamol tablets",
                                     description="Oldamol", strength="10 mg", dosage_form="tablets", pack_size=16,
                                     pack_unit="tablets", legal_category="general_sale", unit_price_amount="1.00",
                                     quantity=quantity, leaflet_revision=revision)

        apps = migrate(AFTER)

        Pack = apps.get_model("catalog", "Pack")
        StockBatch = apps.get_model("catalog", "StockBatch")
        rows = {b.pack.sku: (b.batch_number, b.expiry_date, b.quantity_on_hand)
                for b in StockBatch.objects.select_related("pack")}
        assert rows == {"OLD-1": ("LEGACY", datetime.date(2099, 12, 31), 13),
                        "OLD-2": ("LEGACY", datetime.date(2099, 12, 31), 2)}
        assert dict(Pack.objects.values_list("sku", "allocated_quantity")) == {"OLD-1": 3, "OLD-2": 2}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
