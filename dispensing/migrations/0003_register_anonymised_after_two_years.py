"""The register's one allowed change: once an entry is two years old (the legal minimum, Human Medicines
Regulations 2012 reg. 253), its patient's name and address may be removed, and nothing else may change.
Every other UPDATE, and every DELETE, is still refused, whatever the client."""

from django.db import migrations

ALLOW_ANONYMISING = """
CREATE OR REPLACE FUNCTION dispensing_refuse_register_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.supplied_at < now() - interval '2 years'
       AND NEW.patient_name = '' AND NEW.patient_address = ''
       AND to_jsonb(NEW) - 'patient_name' - 'patient_address'
           = to_jsonb(OLD) - 'patient_name' - 'patient_address' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'prescription register entry % cannot be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""

REFUSE_EVERY_CHANGE = """
CREATE OR REPLACE FUNCTION dispensing_refuse_register_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'prescription register entry % cannot be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""


def allow_anonymising(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_ANONYMISING, params=None)


def refuse_every_change(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_EVERY_CHANGE, params=None)


class Migration(migrations.Migration):
    dependencies = [("dispensing", "0002_queues_from_orders")]

    operations = [migrations.RunPython(allow_anonymising, refuse_every_change)]
