"""What PostgreSQL adds to the catalog's tables beyond what the models declare. SQLite, the embedded
default, keeps the model-level guards and scans its small tables instead.

- A published leaflet revision never changes, even through a queryset update() or raw SQL: the models
  refuse it in save()/delete(), and these triggers make it a fact of the database. Publishing
  (published_at going from NULL to a time) is the one change allowed. SQLite's test flush deletes rows one
  by one and would trip a DELETE trigger; PostgreSQL's flush truncates, which row triggers do not see.
- Search: pg_trgm, a GIN index on the weighted vector and trigram indexes on each text field (LIKE
  '% word%' and the word-similarity operator <% both use them).
- pg_trgm declares its word-similarity functions with the default cost of 1, as cheap as comparing two
  integers, so the planner prices a scan of every search document below the GIN index scans and runs
  word_similarity() on every row: at 100,000 packs about 0.8 s a query, against 40 ms through the
  indexes. Cost 100 makes it choose the indexes. Only the extension's owner may change this: with another
  database user the migration warns and search still works, slower on large catalogs. pg_dump does not
  keep settings of an extension's functions: after restoring a dump, run the two ALTER FUNCTION
  statements below again as the extension's owner.
"""

from django.contrib.postgres.operations import TrigramExtension
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



TRIGRAM_FIELDS = ("name_text", "ingredient_text", "synonym_text", "indication_text", "all_names")
TABLE = "catalog_productsearchdocument"


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX catalog_search_vector_gin ON {TABLE} USING gin (search_vector)")
    for field in TRIGRAM_FIELDS:
        schema_editor.execute(
            f"CREATE INDEX catalog_search_{field}_trgm ON {TABLE} USING gin ({field} gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_search_vector_gin")
    for field in TRIGRAM_FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_search_{field}_trgm")



WORD_SIMILARITY_FUNCTIONS = ("word_similarity_op(text, text)", "word_similarity_commutator_op(text, text)")


def set_cost(cost: int):
    statements = " ".join(f"ALTER FUNCTION {function} COST {cost};" for function in WORD_SIMILARITY_FUNCTIONS)
    sql = f"""
        DO $$
        BEGIN
            {statements}
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Could not set the cost of pg_trgm word similarity (only the extension owner can); '
                          'search on a large catalog will be slower.';
        END $$;
    """

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply



class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        migrations.RunPython(set_cost(100), set_cost(1), elidable=False),
    ]
