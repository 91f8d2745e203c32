"""Prescriptions, their items and their issues move to the prescriptions app (prescriptions 0001 takes over
their tables and content types): here they leave the migration state only, and an order's prescription
is now prescriptions.Prescription. The database is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dispensing", "0004_register_prescription_in_prescriptions"),
        ("orders", "0021_outbox_moves_to_notifications"),
        ("patients", "0004_prescription_file_access_moves_to_prescriptions"),
        ("prescriptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="order",
                name="prescription",
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                        related_name="orders", to="prescriptions.prescription"),
            ),
            migrations.DeleteModel(name="PrescriptionIssue"),
            migrations.DeleteModel(name="PrescriptionItem"),
            migrations.DeleteModel(name="Prescription"),
        ]),
    ]
