"""The outbox moved to the notifications app, which took the model, its table unchanged, into its own
state (notifications.0001): here orders only forgets it. No database operation: the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0020_queues_move_to_dispensing"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
            database_operations=[],
        ),
    ]
