"""The data migration orders 0019: approved, undispatched orders whose P lines no pharmacist decided go
back to review, with an event saying why; a POM line whose prescription a pharmacist approved records
that approval as its decision and stays approved."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("orders", "0018_release_gate_cannot_supply_electronic_id")]
AFTER = [("orders", "0019_undecided_lines_back_to_review")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_approved_orders_with_undecided_p_lines_go_back_to_review():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        Product = apps.get_model("catalog", "Product")
        Pack = apps.get_model("catalog", "Pack")
        LeafletRevision = apps.get_model("catalog", "LeafletRevision")
        Order = apps.get_model("orders", "Order")
        OrderLine = apps.get_model("orders", "OrderLine")
        Prescription = apps.get_model("orders", "Prescription")
        shopper = User.objects.create(email="old@example.org", full_name="Old Shopper")
        pharmacist = User.objects.create(email="rph@example.org", full_name="Old Pharmacist", is_staff=True)
        revisions = {}
        for category in ("pharmacy", "prescription", "general_sale"):
            product = Product.objects.create(name=f"Old {category}", slug=f"old-{category}", legal_category=category,
                                             dosage_form="tablet")
            revisions[category] = (Pack.objects.create(product=product, sku=f"OLD-{category[:3].upper()}",
                                                       pack_size=16, price_amount="1.00"),
                                   LeafletRevision.objects.create(product=product, number=1,
                                                                  revised_on=datetime.date(2026, 1, 1)))
        prescription = Prescription.objects.create(
            owner=shopper, file="prescriptions/x", original_filename="p.pdf", content_type="application/pdf",
            size_bytes=1, sha256="0" * 64, status="approved", reviewed_by=pharmacist,
            issued_on=datetime.date(2026, 11, 1), valid_until=datetime.date(2027, 5, 1),
            prescriber_name="Dr Old", prescriber_registration="7123456")

        def order(number, category, status="approved", **fields):
            made = Order.objects.create(number=number, user=shopper, status=status, email="o@example.org",
                                        full_name="Old Shopper", phone="1", address_line1="1 Street", city="Leeds",
                                        postcode="LS1", currency="GBP", total_amount="1.00", idempotency_key=number,
                                        request_fingerprint="x", **fields)
            pack, revision = revisions[category]
            OrderLine.objects.create(order=made, pack=pack, sku=pack.sku, product_name=pack.sku, description=pack.sku,
                                     strength="10 mg", dosage_form="tablet", pack_size=16, pack_unit="tablets",
                                     legal_category=category, unit_price_amount="1.00", quantity=1,
                                     leaflet_revision=revision)
            return made

        undecided_p = order("PH-OLDP0001", "pharmacy")
        approved_pom = order("PH-OLDM0001", "prescription", requires_prescription=True, requires_pharmacist=True,
                             prescription=prescription, prescription_approved_by=pharmacist,
                             released_by=pharmacist)
        general_sale = order("PH-OLDG0001", "general_sale")
        dispatched_p = order("PH-OLDD0001", "pharmacy", status="dispatched")

        apps = migrate(AFTER)

        Order = apps.get_model("orders", "Order")
        OrderLine = apps.get_model("orders", "OrderLine")
        OrderEvent = apps.get_model("orders", "OrderEvent")
        statuses = dict(Order.objects.values_list("number", "status"))
        assert statuses == {"PH-OLDP0001": "awaiting_review", "PH-OLDM0001": "approved",
                            "PH-OLDG0001": "approved", "PH-OLDD0001": "dispatched"}
        assert OrderLine.objects.get(order_id=undecided_p.pk).decision == "pending"
        sent_back = Order.objects.get(pk=undecided_p.pk)
        assert (sent_back.requires_pharmacist, sent_back.released_by_id) == (True, None)
        assert sent_back.review_deadline is not None
        event = OrderEvent.objects.get(order_id=undecided_p.pk)
        assert (event.from_status, event.to_status, event.actor_id) == ("approved", "awaiting_review", None)
        assert "no pharmacist decided OLD-PHA" in event.reason
        pom_line = OrderLine.objects.get(order_id=approved_pom.pk)
        assert (pom_line.decision, pom_line.decided_by_id) == ("approved", pharmacist.pk)
        assert not OrderEvent.objects.filter(order_id__in=[approved_pom.pk, general_sale.pk, dispatched_p.pk]).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
