"""PostgreSQL's planner is told that pg_trgm's word similarity is costly (migration catalog 0009), so it
answers a search through the GIN indexes instead of testing every search document. The indexes only pay
off on a large catalog, so what is checked here is what makes the planner choose them at any size."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_word_similarity_operators_are_priced_as_costly_for_the_planner():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.oprname, p.procost FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode "
            "WHERE o.oprname IN (%s, %s) AND o.oprleft = 'text'::regtype", ["<%", "%>"]
        )
        costs = dict(cursor.fetchall())

    assert costs == {"<%": 100, "%>": 100}


def test_a_typo_search_uses_the_trigram_index_when_scanning_is_dearer():
    # With the scan made dear (as it is at 100,000 packs), the word-similarity test must be able to use
    # the GIN index: a plan that scans is what the migration's cost change prevents on a large catalog.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT product_id FROM catalog_productsearchdocument "
            "WHERE all_names LIKE %s OR %s <%% all_names", ["% baclofn%", "baclofn"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "catalog_search_all_names_trgm" in plan


def test_active_products_and_their_names_are_read_from_one_index():
    # Ranking a search's matches needs only each product's id, name and is_active: the partial index
    # with name included answers that without reading product rows (migration catalog 0011).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # Only an index-only scan is left: the plan must not hang on the table's statistics, which the
        # tests run before this one (in this process, in any order under pytest-xdist) have changed.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN SELECT id, name FROM catalog_product WHERE is_active AND id = 1")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using catalog_product_active_idx" in plan
