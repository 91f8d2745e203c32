"""Querysets compiled once and run again with new ids: the lean list's reads of a page's relations.

Building and compiling a queryset such as a page's packs with their availability costs several times the
CPU that running its SQL does (about 1.5 ms against 0.4 here), and a list page runs three or four of
them. The SQL of each shape is therefore compiled once per process, from the same querysets (so the
availability rule and the search's pack order keep one definition each), and kept under a key that names
everything the shape depends on; each request binds only its ids.

    rows = run_prepared(("packs", usable_expiry_after()), Pack, ids,
                        lambda ids: Pack.objects.filter(AmongIds("product_id", ids)).values_list("id", "sku"))

The ids go in as one parameter (PostgreSQL `= ANY(array)`, SQLite `IN json_each(...)`), so the SQL is
the same whatever their number.
"""

import json
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from threading import Lock

from django.db import connections, router
from django.db.models import BooleanField, Expression, F, QuerySet

MAX_SHAPES = 128  # shapes vary with the date and a search's strengths: the least recently used go


class _Ids:
    """Where a request's ids go among the compiled SQL's parameters."""

    __slots__ = ()


IDS = _Ids()


class AmongIds(Expression):
    """`column` is one of `ids`, as a single parameter: filter(AmongIds("product_id", ids))."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids):
        super().__init__()
        self.column = F(column)
        self.ids = ids

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(%s)", [*params, self.ids if self.ids is IDS else bind_ids(connection, self.ids)]

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.column)
        ids = self.ids if self.ids is IDS else bind_ids(connection, self.ids)
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, ids]


def bind_ids(connection, ids: Collection[int]):
    """The one parameter that carries `ids`: an array, or on SQLite a JSON list."""
    return json.dumps(list(ids)) if connection.vendor == "sqlite" else list(ids)


class _Compiled:
    """A values_list() queryset's SQL, parameters and converters, as Django would run it."""

    __slots__ = ("sql", "params", "converters", "compiler", "width")

    def __init__(self, queryset: QuerySet, using: str):
        self.compiler = queryset.query.get_compiler(using=using)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        self.width = self.compiler.col_count
        self.converters = self.compiler.get_converters(
            [column for column, _, _ in self.compiler.select[: self.width]]
        )

    def rows(self, rows: list) -> list[tuple]:
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        width = self.width  # Django 5.2 selects values_list()'s columns in its order, annotations included
        return [tuple(row[:width]) for row in rows]


_shapes: OrderedDict[tuple, _Compiled] = OrderedDict()
_shapes_lock = Lock()


def run_prepared(key: Hashable, model, ids: Collection[int] | None,
                 build: Callable[[object], QuerySet]) -> list[tuple]:
    """The rows (tuples, as values_list gives them) of `build(IDS)` with `ids` bound in place of IDS
    (None: a query with no ids). `key` must name everything `build` depends on but the ids (a date, a
    search's strengths)."""
    if ids is not None and not ids:
        return []
    using = router.db_for_read(model)
    connection = connections[using]
    shape = (using, connection.vendor, key)
    with _shapes_lock:
        compiled = _shapes.get(shape)
        if compiled is not None:
            _shapes.move_to_end(shape)
    if compiled is None:
        compiled = _Compiled(build(IDS), using)
        with _shapes_lock:
            _shapes[shape] = compiled
            while len(_shapes) > MAX_SHAPES:
                _shapes.popitem(last=False)
    bound = None if ids is None else bind_ids(connection, ids)
    params = [bound if param is IDS else param for param in compiled.params]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return compiled.rows(cursor.fetchall())
