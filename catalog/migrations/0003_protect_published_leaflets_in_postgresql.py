"""A published leaflet revision never changes, even through a queryset update() or raw SQL.

The models refuse it in save()/delete(); on PostgreSQL these triggers make it a fact of the database.
Publishing itself (published_at going from NULL to a time) is the one change allowed. SQLite, the
embedded default, keeps the model-level guard only: its test flush deletes rows one by one and would trip
a DELETE trigger (PostgreSQL's flush truncates, which row triggers do not see).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION catalog_refuse_published_revision_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published_at IS NULL THEN
        RETURN NEW;  -- a draft may be edited, and published
    END IF;
    RAISE EXCEPTION 'leaflet revision % is published and cannot change', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_published_revision_is_immutable
    BEFORE UPDATE OR DELETE ON catalog_leafletrevision
    FOR EACH ROW EXECUTE FUNCTION catalog_refuse_published_revision_change();

CREATE FUNCTION catalog_refuse_published_section_change() RETURNS trigger AS $$
DECLARE
    revision_ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        revision_ids := ARRAY[NEW.revision_id];
    ELSIF TG_OP = 'UPDATE' THEN
        revision_ids := ARRAY[OLD.revision_id, NEW.revision_id];
    ELSE
        revision_ids := ARRAY[OLD.revision_id];
    END IF;
    IF EXISTS (SELECT 1 FROM catalog_leafletrevision
               WHERE id = ANY(revision_ids) AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the sections of a published leaflet revision cannot change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_published_sections_are_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON catalog_leafletsection
    FOR EACH ROW EXECUTE FUNCTION catalog_refuse_published_section_change();
"""

DROP = """
DROP TRIGGER IF EXISTS catalog_published_sections_are_immutable ON catalog_leafletsection;
DROP FUNCTION IF EXISTS catalog_refuse_published_section_change();
DROP TRIGGER IF EXISTS catalog_published_revision_is_immutable ON catalog_leafletrevision;
DROP FUNCTION IF EXISTS catalog_refuse_published_revision_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_readable_constraint_messages")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
