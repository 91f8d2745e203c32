"""The prescription file access log moves to the prescriptions app (prescriptions 0001 takes over its
table, patients_prescriptionfileaccess, and its content type): here it leaves the migration state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0003_staff_views_of_order_health_details"),
        ("prescriptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="PrescriptionFileAccess"),
        ]),
    ]
