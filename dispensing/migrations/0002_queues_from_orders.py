"""The admin's review, dispatch and cannot-supply queues, proxies of orders.Order, now dispensing's. A
proxy has no table; its content type is re-labelled, so the permissions on it (the Pharmacists group's
view permissions), and the admin history that points at it, follow the model."""

from django.db import migrations

QUEUES = ("orderawaitingreview", "ordercannotsupply", "orderawaitingdispatch")


def relabel(from_label: str, to_label: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in QUEUES:
            if ContentType.objects.filter(app_label=to_label, model=model).exists():
                continue  # already there (created after this model moved): nothing to carry over
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("dispensing", "0001_initial"),
        ("orders", "0020_queues_move_to_dispensing"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderAwaitingReview",
            fields=[],
            options={
                "verbose_name": "order awaiting prescription review",
                "verbose_name_plural": "prescription review queue",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("orders.order",),
        ),
        migrations.CreateModel(
            name="OrderCannotSupply",
            fields=[],
            options={
                "verbose_name": "order that cannot be supplied",
                "verbose_name_plural": "cannot supply queue",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("orders.order",),
        ),
        migrations.CreateModel(
            name="OrderAwaitingDispatch",
            fields=[],
            options={
                "verbose_name": "order awaiting dispatch",
                "verbose_name_plural": "dispatch queue",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("orders.order",),
        ),
        migrations.RunPython(relabel("orders", "dispensing"), relabel("dispensing", "orders")),
    ]
