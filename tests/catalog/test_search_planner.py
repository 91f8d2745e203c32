"""PostgreSQL's planner is told that pg_trgm's word similarity is costly (migration catalog 0002), so it
answers a search through the GIN indexes instead of testing every search document. The indexes only pay
off on a large catalog, so what is checked here is what makes the planner choose them at any size; the
plans themselves, on a catalog of 100,000 packs, are checked in test_plans_at_scale.py."""

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

