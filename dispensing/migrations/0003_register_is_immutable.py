"""On PostgreSQL, a trigger makes prescription register entries immutable, whatever the client (queryset
update(), raw SQL), with one allowed change: once an entry is two years old (the legal minimum, Human
Medicines Regulations 2012 reg. 253), its patient's name and address may be removed, and nothing else may
change. PostgreSQL's test flush truncates, which row triggers do not see.
"""

from django.db import migrations

REGISTER_TRIGGER = """
CREATE FUNCTION dispensing_refuse_register_change() RETURNS trigger AS $$
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

CREATE TRIGGER dispensing_register_is_immutable
    BEFORE UPDATE OR DELETE ON dispensing_registerentry
    FOR EACH ROW EXECUTE FUNCTION dispensing_refuse_register_change();
"""

DROP_REGISTER_TRIGGER = """
DROP TRIGGER IF EXISTS dispensing_register_is_immutable ON dispensing_registerentry;
DROP FUNCTION IF EXISTS dispensing_refuse_register_change();
"""


def create_register_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REGISTER_TRIGGER, params=None)


def drop_register_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_REGISTER_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("dispensing", "0002_initial")]

    operations = [migrations.RunPython(create_register_trigger, drop_register_trigger)]
