"""PostgreSQL prepares the statements a connection repeats (pharmacy/settings/base.py, "Prepared
statements"): parsed and planned once per connection, with the parameters bound on the server, so one
prepared statement serves every value."""

import pytest
from django.conf import settings
from django.db import connection

from catalog.models import Category

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared_category_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall() if '"catalog_category"' in statement]


def _names_of(slug: str) -> list[str]:
    return list(Category.objects.filter(slug=slug).values_list("name", flat=True))


def test_a_statement_run_again_is_prepared_once_for_every_value_of_its_parameters():
    assert settings.DATABASE_PREPARED_STATEMENTS
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD):
        _names_of("allergy")
    assert _prepared_category_statements() == []  # not before the threshold: one-off statements stay unprepared

    _names_of("allergy")
    _names_of("pain-relief")  # another value: the same statement
    prepared = _prepared_category_statements()
    assert len(prepared) == 1
    assert "$1" in prepared[0]  # the slug is a parameter bound on the server, not part of the text
