from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

REASON = ("Sent back to review: this order was approved before each pharmacy or prescription-only item "
          "needed a pharmacist's decision, and no pharmacist decided {items}. It cannot be dispatched "
          "until one does.")


def send_undecided_orders_back_to_review(apps, schema_editor):
    """Approved, undispatched orders whose P or POM lines carry no pharmacist's decision (placed before
    decisions per line existed). A POM line whose prescription a pharmacist approved was decided then:
    the decision is recorded as that approval. A P line nobody decided sends its order back to review."""
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    undecided = OrderLine.objects.filter(order__status="approved", legal_category__in=["pharmacy", "prescription"],
                                         decision__in=["", "pending"])
    for line in undecided.filter(legal_category="prescription", order__prescription_approved_by__isnull=False) \
            .select_related("order"):
        OrderLine.objects.filter(pk=line.pk).update(
            decision="approved", decided_by_id=line.order.prescription_approved_by_id,
            decided_at=line.order.prescription_approved_at or line.order.updated_at,
            decision_reason="Prescription approved.")
    deadline = timezone.now() + timedelta(days=settings.ORDER_REVIEW_DEADLINE_DAYS)
    order_ids = sorted(set(undecided.values_list("order_id", flat=True)))
    for order in Order.objects.filter(pk__in=order_ids).order_by("pk"):
        lines = OrderLine.objects.filter(order=order, legal_category__in=["pharmacy", "prescription"],
                                         decision__in=["", "pending"])
        items = ", ".join(lines.values_list("description", flat=True))
        lines.update(decision="pending", decided_by=None, decided_at=None)
        Order.objects.filter(pk=order.pk).update(status="awaiting_review", requires_pharmacist=True,
                                                  released_by=None, review_deadline=deadline)
        OrderEvent.objects.create(order=order, from_status="approved", to_status="awaiting_review", actor=None,
                                  reason=REASON.format(items=items))


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0018_release_gate_cannot_supply_electronic_id'),
    ]

    operations = [
        migrations.RunPython(send_undecided_orders_back_to_review, migrations.RunPython.noop),
    ]
