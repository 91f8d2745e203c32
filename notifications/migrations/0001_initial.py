"""The outbox moves here from orders. Nothing changes in the database: the model keeps its table
(orders_outboxmessage), its indexes and constraints, so this migration only takes the model into this
app's state (orders.0020 drops it from orders' state). The content type is re-labelled, so the model's
permissions (and the groups and users holding them) and its admin history follow it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, *, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    moving = ContentType.objects.filter(app_label=from_label, model="outboxmessage").first()
    if moving is None:
        return  # a new database: post_migrate creates the content type under its new label
    # A content type already under the new label (a run of post_migrate in between) holds no history
    # worth keeping next to the old one, whose permissions are assigned: it gives way.
    ContentType.objects.filter(app_label=to_label, model="outboxmessage").delete()
    moving.app_label = to_label
    moving.save(update_fields=["app_label"])


def relabel_content_type(apps, schema_editor):
    _move_content_type(apps, from_label="orders", to_label="notifications")


def unrelabel_content_type(apps, schema_editor):
    _move_content_type(apps, from_label="notifications", to_label="orders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orders', '0019_undecided_lines_back_to_review'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=30)),
                ('recipient', models.EmailField(max_length=254)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed (gave up)')], default='pending', max_length=10)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('last_dispatched_at', models.DateTimeField(blank=True, null=True)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('sending_until', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='orders.order')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'orders_outboxmessage',
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='outbox_status_created'), models.Index(fields=['status', 'next_attempt_at'], name='outbox_status_next_attempt')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('order__isnull', False), models.Q(('kind__in', ['order_lines_refused']), _negated=True)), fields=('order', 'kind'), name='outbox_one_message_per_order_and_kind'), models.CheckConstraint(condition=models.Q(('order__isnull', False), ('user__isnull', False), _connector='OR'), name='outbox_message_has_order_or_user'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbox_sent_has_time')],
            },
        )],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, unrelabel_content_type),
    ]
