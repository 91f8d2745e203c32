"""The data migration: orders waiting under the old state name move to `awaiting_review` with pending line
decisions and a deadline; released prescription orders record the approving pharmacist as `released_by`."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("orders", "0003_order_awaiting_review_proxy"), ("catalog", "0003_protect_published_leaflets_in_postgresql")]
AFTER = [("orders", "0007_review_states_line_decisions_patient_deadline"),
         ("catalog", "0005_consultations_and_minimum_age")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations(transactional_db):
    """Leave the test database fully migrated (later apps' migrations included): tests that run after this
    one, such as the browser tests, need every column."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_waiting_and_released_orders_are_migrated():
    old = migrate(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Product = old.get_model("catalog", "Product")
        Pack = old.get_model("catalog", "Pack")
        Revision = old.get_model("catalog", "LeafletRevision")
        Prescription = old.get_model("orders", "Prescription")
        Order = old.get_model("orders", "Order")
        OrderLine = old.get_model("orders", "OrderLine")
        OrderEvent = old.get_model("orders", "OrderEvent")
        shopper = User.objects.create(email="old@example.org", full_name="Old Shopper")
        pharmacist = User.objects.create(email="rx@example.org", full_name="Pharmacist")
        product = Product.objects.create(name="Oldolol tablets", slug="oldolol", legal_category="prescription",
                                         dosage_form="tablet")
        pack = Pack.objects.create(product=product, sku="OLD-1", pack_size=28, price_amount="5.00")
        revision = Revision.objects.create(product=product, number=1, revised_on="2026-01-01")
        prescription = Prescription.objects.create(owner=shopper, original_filename="x.pdf", content_type="a/b",
                                                   size_bytes=1, sha256="0" * 64)
        common = {"user": shopper, "email": "old@example.org", "full_name": "Old", "phone": "1", "city": "Leeds",
                  "address_line1": "1 St", "postcode": "LS1", "currency": "GBP", "total_amount": "5.00",
                  "requires_prescription": True, "prescription": prescription, "request_fingerprint": "f"}
        waiting = Order.objects.create(number="PH-WAIT", status="awaiting_prescription_review",
                                       idempotency_key="a", **common)
        released = Order.objects.create(number="PH-DONE", status="approved", idempotency_key="b",
                                        prescription_approved_by=pharmacist, **common)
        for order in (waiting, released):
            OrderLine.objects.create(order=order, pack=pack, sku="OLD-1", product_name="Oldolol",
                                     description="Oldolol", strength="1 mg", dosage_form="tablets", pack_size=28,
                                     pack_unit="tablets", legal_category="prescription", unit_price_amount="5.00",
                                     quantity=1, leaflet_revision=revision)
        OrderEvent.objects.create(order=waiting, from_status="", to_status="awaiting_prescription_review")
    finally:
        new = migrate(AFTER)

    Order = new.get_model("orders", "Order")
    waiting = Order.objects.get(number="PH-WAIT")
    released = Order.objects.get(number="PH-DONE")
    assert (waiting.status, waiting.requires_pharmacist, waiting.review_deadline is not None) == (
        "awaiting_review", True, True)
    assert list(waiting.lines.values_list("decision", flat=True)) == ["pending"]
    assert waiting.events.get().to_status == "awaiting_review"
    assert (released.status, released.released_by_id) == ("approved", released.prescription_approved_by_id)
