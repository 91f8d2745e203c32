"""The product search's queryset (catalog.selectors.search_products), and its SQL compiled once per shape.

Building a ranked search through the ORM (a CASE per term and field, the strengths' EXISTS, the filters)
and compiling it cost more CPU than PostgreSQL took to answer it. The SQL depends on the search's shape
only: how many words and which of them are long enough for near misses, the strengths' units, the forms,
which filters are set, the ordering. So a plan is the SQL of one shape, built once per process with stand-in
values (private-use characters for words and filters, impossible amounts and dates), and each search
fills in its own values: a word may appear in many parameters (" baclofen%", "baclofen:D", " baclofen
10 "), so every parameter holding a stand-in is rewritten, in one pass. The SQL is the ORM's own, with the
page's LIMIT and OFFSET as parameters rather than literals; a test compares the rows with the ORM's.
"""

import re
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, QuerySet, Value, Window

from .listing import PRODUCT_FIELDS
from .models import Pack, Product, usable_expiry_after
from .search import MIN_FUZZY_TERM_LENGTH, ParsedQuery, rank_products

MAX_PLANS = 512  # shapes come from shoppers' queries: keep the memory bounded
_MARK = "\ue000"  # a private-use character: no search word or filter value holds it
_CATEGORY = f"{_MARK}category{_MARK}"
_LEGAL_CATEGORY = f"{_MARK}legal{_MARK}"
_EXPIRY_AFTER = date(1901, 2, 3)


def _word(index: int, *, long: bool) -> str:
    # As long as the word it stands for, on the same side of MIN_FUZZY_TERM_LENGTH: near misses depend on it.
    return f"{_MARK}{chr(0xE100 + index)}{_MARK}{_MARK}" if long else f"{_MARK}{chr(0xE100 + index)}"


def _amount(index: int) -> Decimal:
    return Decimal("-424242.4242") - index


def product_search_queryset(
    query: ParsedQuery | None, *, product_id: int | None = None, category: str = "", legal_category: str = "",
    in_stock: bool | None = None, ordering: str | None = None, expiry_after: date | None = None,
) -> QuerySet[Product]:
    """Active products matching `query` (ranked: `search_score` and `search_strong`), or only the product
    `product_id` when the query identified one of its packs, and the filters, in the list's order."""
    products = Product.objects.active()
    ranked = True
    if product_id is not None:
        products = products.filter(pk=product_id).annotate(search_score=Value(1000.0), search_strong=Value(True))
    elif query is not None and query.is_empty:
        products, ranked = products.none(), False  # only punctuation or units: nothing to look for
    elif query is not None:
        products = rank_products(products, query)
    else:
        ranked = False
    if category:
        products = products.filter(categories__slug=category)
    if legal_category:
        products = products.filter(legal_category=legal_category)
    if in_stock is not None:
        packs = Pack.objects.filter(product=OuterRef("pk"), is_active=True)
        has_stock = Exists(packs.with_availability(expiry_after=expiry_after).filter(stock_available__gt=0))
        products = products.filter(has_stock) if in_stock else products.exclude(has_stock)
    if ordering:
        return products.order_by(ordering, "pk")
    return products.order_by("-search_score", "name", "pk") if ranked else products.order_by("name")


@dataclass(frozen=True)
class SearchFilters:
    """A search's words and filters, as search_products was asked (no identified pack)."""

    query: ParsedQuery | None
    category: str = ""
    legal_category: str = ""
    in_stock: bool | None = None
    ordering: str | None = None

    def shape(self) -> Hashable:
        query = self.query
        words = () if query is None else tuple(len(term) >= MIN_FUZZY_TERM_LENGTH for term in query.terms)
        units = () if query is None else tuple(unit for _, unit in query.strengths)
        forms = () if query is None else query.forms
        return (query is None, words, units, forms, bool(self.category), bool(self.legal_category), self.in_stock,
                self.ordering)

    def stand_ins(self) -> tuple["SearchFilters", dict]:
        """The same shape with stand-in values, and {stand-in: this search's value}."""
        values: dict = {_EXPIRY_AFTER: usable_expiry_after()} if self.in_stock is not None else {}
        query = self.query
        if query is not None:
            terms = tuple(_word(index, long=len(term) >= MIN_FUZZY_TERM_LENGTH)
                          for index, term in enumerate(query.terms))
            strengths = tuple((_amount(index), unit) for index, (_, unit) in enumerate(query.strengths))
            values.update(zip(terms, query.terms, strict=True))
            values.update((_amount(index), amount) for index, (amount, _) in enumerate(query.strengths))
            query = ParsedQuery(text="", terms=terms, strengths=strengths, forms=query.forms)
        if self.category:
            values[_CATEGORY] = self.category
        if self.legal_category:
            values[_LEGAL_CATEGORY] = self.legal_category
        stand_in = SearchFilters(query=query, category=_CATEGORY if self.category else "",
                                 legal_category=_LEGAL_CATEGORY if self.legal_category else "",
                                 in_stock=self.in_stock, ordering=self.ordering)
        return stand_in, values

    def queryset(self, *, product_id: int | None = None, expiry_after: date | None = None) -> QuerySet[Product]:
        return product_search_queryset(self.query, product_id=product_id, category=self.category,
                                       legal_category=self.legal_category, in_stock=self.in_stock,
                                       ordering=self.ordering, expiry_after=expiry_after)


class _Plan:
    """One shape's SQL and how to fill in a search's values; `wrap` puts a page's SQL inside another
    statement (its "{page}")."""

    def __init__(self, queryset: QuerySet, connection, stand_ins: set, *, count: bool = False, wrap: str = "{page}"):
        self.compiler = queryset.query.get_compiler(connection=connection)
        sql, params = self.compiler.as_sql()
        if count:
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"
        else:
            sql = wrap.format(page=f"{sql} LIMIT %s OFFSET %s")
        self.sql, self.count = sql, count
        texts = sorted((value for value in stand_ins if isinstance(value, str)), key=len, reverse=True)
        self._text = re.compile("|".join(map(re.escape, texts))) if texts else None
        self._params = []  # (constant or stand-in, how to fill it: None, "text", "value" or "iso")
        found = set()
        for param in params:
            if isinstance(param, str) and self._text is not None and self._text.search(param):
                self._params.append((param, "text"))
                found.update(self._text.findall(param))
            elif isinstance(param, str) and param == _EXPIRY_AFTER.isoformat() and _EXPIRY_AFTER in stand_ins:
                self._params.append((_EXPIRY_AFTER, "iso"))  # SQLite's form of a date
                found.add(_EXPIRY_AFTER)
            elif type(param) in (Decimal, date) and param in stand_ins:
                self._params.append((param, "value"))
                found.add(param)
            else:
                self._params.append((param, None))
        if found != stand_ins and not count:  # a count drops the scores, and with them the ranking's values
            raise ImproperlyConfigured(f"stand-ins {stand_ins - found!r} are not parameters of {sql}")

    def run(self, connection, values: dict, window: slice | None = None) -> list[tuple]:
        params = []
        for param, fill in self._params:
            if fill == "text":
                param = self._text.sub(lambda match: values[match[0]], param)
            elif fill == "value":
                param = values[param]
            elif fill == "iso":
                param = values[param].isoformat()
            params.append(param)
        if window is not None:
            start = window.start or 0
            params += [window.stop - start, start]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.count:
            return rows
        return list(self.compiler.results_iter([rows], tuple_expected=True))


_PLANS: dict[Hashable, _Plan] = {}
_RANKED_COLUMNS = ("pk", "search_score", "search_strong", "search_matches")


def _with_product_rows(connection, order_by: list) -> str:
    """A ranked page's ids, scores and number of matches, each followed by its product's PRODUCT_FIELDS, in
    the page's order: the ranking reads no product row but for its order (the index of active products), so
    only the page's rows are read, by id, in the same statement rather than a second one. Its order is the
    page's, `order_by` (search_score, pk or product fields, as order_by() takes them), on the same values."""
    quote = connection.ops.quote_name
    table = quote(Product._meta.db_table)
    columns = ", ".join(f"{table}.{quote(Product._meta.get_field(name).column)}" for name in PRODUCT_FIELDS)
    ranked = ", ".join(f"ranked.{quote(name)}" for name in _RANKED_COLUMNS)
    terms = []
    for term in order_by:
        if not isinstance(term, str):
            raise ImproperlyConfigured(f"a ranked page is ordered by fields, not {term!r}")
        name = term.removeprefix("-")
        if name in ("search_score", "pk"):
            column = f"ranked.{quote(name)}"
        else:
            column = f"{table}.{quote(Product._meta.get_field(name).column)}"
        terms.append(f"{column} {'DESC' if term.startswith('-') else 'ASC'}")
    return (f"SELECT {ranked}, {columns} FROM ({{page}}) ranked INNER JOIN {table} "
            f"ON ({table}.{quote('id')} = ranked.{quote('pk')}) ORDER BY {', '.join(terms)}")


def _plan(filters: SearchFilters, kind: str, connection) -> tuple[_Plan, dict]:
    stand_in, values = filters.stand_ins()
    key = (connection.alias, kind, filters.shape())
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        products = stand_in.queryset(expiry_after=_EXPIRY_AFTER if filters.in_stock is not None else None)
        wrap = "{page}"
        if kind == "ranked":
            products = products.annotate(search_matches=Window(Count("pk"))).values_list(*_RANKED_COLUMNS)
        elif kind == "ranked rows":
            wrap = _with_product_rows(connection, list(products.query.order_by))
            products = products.annotate(search_matches=Window(Count("pk"))).values_list(*_RANKED_COLUMNS)
        elif kind == "rows":
            products = products.values_list(*PRODUCT_FIELDS)
        else:
            products = products.order_by().values("pk")
        plan = _PLANS[key] = _Plan(products, connection, set(values), count=kind == "count", wrap=wrap)
    return plan, values


def _connection():
    return connections[router.db_for_read(Product)]


def ranked_page(filters: SearchFilters, window: slice) -> list[tuple]:
    """(id, search_score, search_strong, number of matches) of a ranked search's products in `window`."""
    connection = _connection()
    plan, values = _plan(filters, "ranked", connection)
    return plan.run(connection, values, window)


def ranked_page_rows(filters: SearchFilters, window: slice) -> list[tuple]:
    """ranked_page's (id, search_score, search_strong, number of matches) of the products in `window`,
    each followed by the product's PRODUCT_FIELDS: one statement."""
    connection = _connection()
    plan, values = _plan(filters, "ranked rows", connection)
    return plan.run(connection, values, window)


def page_rows(filters: SearchFilters, window: slice) -> list[tuple]:
    """The PRODUCT_FIELDS of an unranked list's products in `window`."""
    connection = _connection()
    plan, values = _plan(filters, "rows", connection)
    return plan.run(connection, values, window)


def count(filters: SearchFilters) -> int:
    connection = _connection()
    plan, values = _plan(filters, "count", connection)
    return plan.run(connection, values)[0][0]
