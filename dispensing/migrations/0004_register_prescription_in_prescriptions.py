"""A register entry's prescription is now prescriptions.Prescription (the same table, orders_prescription):
the migration state follows; the database is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dispensing", "0003_register_anonymised_after_two_years"),
        ("prescriptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="registerentry",
                name="prescription",
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                        to="prescriptions.prescription"),
            ),
        ]),
    ]
