"""Suggestions as the shopper types: active products whose names (or ingredients, or other names) start
with the words typed, best first. No typo matching and no uses, so it stays fast and only ever completes
names.

It is one statement in two steps: the best `limit` products are chosen from the search documents and the
index of active products (catalog_product_active_idx holds the name the ties are ordered by), and only
those few are read from the product table. Chosen in one step, a prefix that many products share
("lora", 800 of them at 100,000 packs) read the whole product table to rank them.

The statement is compiled once per number of words (pharmacy.compiled_query): building and compiling it
took several times longer than PostgreSQL took to answer it. Strengths and forms, which the box seldom
sees, take the ORM's way.
"""

from django.conf import settings
from django.db.models import QuerySet

from pharmacy.compiled_query import CompiledQuery, StandInWords

from .models import Product
from .search import ParsedQuery, parse_query, rank_products

MAX_COMPILED_WORDS = 8  # more words than this go through the ORM: no shopper types them into a search box
_COMPILED: dict[tuple[int, int], CompiledQuery] = {}  # by (number of words, limit)


def suggestions(query: ParsedQuery, *, limit: int) -> QuerySet:
    """(id, name, slug) of the best `limit` active products for `query`, best first, then by name."""
    best = (
        rank_products(Product.objects.active(), query, fuzzy=False, uses=False)
        .order_by("-search_score", "name").values("pk")[:limit]
    )
    # The few chosen rows are ranked again to put them in order: cheaper than reading every match's row.
    return (
        rank_products(Product.objects.filter(pk__in=best), query, fuzzy=False, uses=False)
        .order_by("-search_score", "name").values_list("id", "name", "slug")
    )


def _compiled(words: int, limit: int) -> CompiledQuery:
    query = _COMPILED.get((words, limit))
    if query is None:
        query = _COMPILED[words, limit] = CompiledQuery(Product, lambda *, terms: suggestions(
            ParsedQuery(text="", terms=terms, strengths=(), forms=()), limit=limit
        ), terms=StandInWords(words))
    return query


def suggest_products(text: str, *, limit: int | None = None) -> list[dict]:
    """Up to `limit` (default settings.SEARCH_SUGGEST_LIMIT) products for `text`, best first:
    [{"id", "name", "slug"}]. One query, none for a text without words."""
    query = parse_query(text)
    if not query.terms:
        return []
    limit = settings.SEARCH_SUGGEST_LIMIT if limit is None else limit
    if query.strengths or query.forms or len(query.terms) > MAX_COMPILED_WORDS:
        rows = suggestions(query, limit=limit)
    else:
        rows = _compiled(len(query.terms), limit).run(terms=query.terms)
    return [{"id": id_, "name": name, "slug": slug} for id_, name, slug in rows]
