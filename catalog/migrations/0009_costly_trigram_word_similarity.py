"""Tell PostgreSQL's planner what pg_trgm's word-similarity operator (<%, used by typo matching) costs.

pg_trgm declares its functions with the default cost of 1, as cheap as comparing two integers. Search
ORs a word-similarity test with LIKE and full-text tests, so the planner prices a scan of every search
document below the four GIN index scans that answer it, and then runs word_similarity() on every row:
at 100,000 packs about 0.8 s a query, against 40 ms through the indexes. Cost 100 makes it choose the
indexes. Only the extension's owner may change this: with a database user that is not, the migration
warns and search still works, slower on large catalogs (README "Search"). pg_dump does not keep
settings of an extension's functions: after restoring a dump, run the two ALTER FUNCTION statements below
again as the extension's owner.
"""

from django.db import migrations

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
    dependencies = [("catalog", "0008_import_runs")]

    operations = [migrations.RunPython(set_cost(100), set_cost(1), elidable=False)]
