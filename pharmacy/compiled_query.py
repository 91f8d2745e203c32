"""A queryset whose SQL is compiled once per process and database, then run with each request's parameters.

Django turns a queryset into SQL on every evaluation. For a read with joins and an annotated subquery (the
cart's lines with their packs, products and availability) building and compiling it took several times
longer than PostgreSQL took to answer. A CompiledQuery builds its queryset once with stand-in parameters,
keeps the SQL and the compiler that knows its columns, and on each run executes that SQL with the real
parameters and builds the model instances (select_related objects and annotations included) as Django's
own iterator does, or for a values_list() queryset the rows as tuples. Queries still go through the
connection's cursor: query counts and wrappers see them.

CompiledUpdate does the same for an UPDATE of one table (`queryset.update(**values)`), returning the rows
updated, and CompiledDelete for a DELETE Django runs as one statement (`queryset.delete()`).

A list of ids is one parameter when filtered with AmongIds (PostgreSQL `= ANY(array)`, SQLite
`IN json_each(...)`), so the SQL is the same whatever their number:

    CompiledQuery(Pack, lambda *, ids: Pack.objects.filter(AmongIds("product_id", ids)).values_list("sku"),
                  ids=[-4_242_424]).run(ids=[3, 5, 8])

Words a search matches on (catalog.suggest) are StandInWords: each may appear any number of times inside
the text parameters (LIKE patterns such as '% bac%', a phrase, a tsquery), and only words of [a-z0-9] are
taken, so nothing in them needs escaping in any of those forms:

    CompiledQuery(Product, build, terms=StandInWords(2)).run(terms=("bac", "tab"))
"""

import json
import re
import uuid
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import BooleanField, Expression, F, Model, QuerySet
from django.db.models.deletion import Collector
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.models.sql import DeleteQuery, UpdateQuery

# How a value may appear among compiled parameters: as given, or where the database has no such type
# (SQLite) a UUID as hex, a date as its ISO text and an aware datetime as its naive UTC text.
_FORMS = (
    lambda value: value,
    lambda value: value.hex if isinstance(value, uuid.UUID) else object(),
    lambda value: value.isoformat() if type(value) is date else object(),
    lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, datetime) and value.tzinfo is not None else object(),
    lambda value: json.dumps(value) if isinstance(value, list) else object(),  # AmongIds's ids
)


class AmongIds(Expression):
    """`column` is one of `ids`, as a single parameter: filter(AmongIds("product_id", ids))."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: Collection[int]):
        super().__init__()
        self.column = F(column)
        self.ids = list(ids)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(%s)", [*params, self.ids]

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


_WORD = re.compile(r"[a-z0-9]+")
_STAND_IN_WORD = re.compile(r"qqstandin(\d+)qq")


class StandInWords(tuple):
    """`count` stand-in words for a CompiledQuery, to be run with as many words of [a-z0-9]+."""

    def __new__(cls, count: int):
        return super().__new__(cls, (f"qqstandin{index}qq" for index in range(count)))


def _words_slot(name: str, words: StandInWords, sql: str, params: list) -> tuple:
    positions = [position for position, param in enumerate(params)
                 if isinstance(param, str) and _STAND_IN_WORD.search(param)]
    found = {match for position in positions for match in _STAND_IN_WORD.findall(params[position])}
    if found != {str(index) for index in range(len(words))}:
        raise ImproperlyConfigured(f"stand-in {name}={words!r} is not among the parameters of {sql}")
    return None, positions  # no single position: every parameter that holds one of the words


def _fill_words(param: str, words: tuple[str, ...]) -> str:
    # One pass over the compiled text: a word typed that looks like a stand-in is never replaced again.
    return _STAND_IN_WORD.sub(lambda match: words[int(match[1])], param)


def _slots(stand_ins: dict, sql: str, params) -> dict[str, tuple]:
    """Each stand-in's position among the compiled parameters and the form it takes there; for StandInWords,
    no position and every parameter that holds one of the words."""
    slots = {}
    for name, value in stand_ins.items():
        if isinstance(value, StandInWords):
            slots[name] = _words_slot(name, value, sql, params)
            continue
        found = [(position, form) for form in _FORMS for position, param in enumerate(params)
                 if type(param) is type(form(value)) and param == form(value)]
        if not found and type(value) is int:
            # Bound on the server, PostgreSQL's integers of a column's size are typed (psycopg's Int4 for an
            # IntegerField): the run's value takes the compiled parameter's type.
            found = [(position, type(param)) for position, param in enumerate(params)
                     if isinstance(param, int) and type(param) not in (int, bool) and param == value]
        if len(found) != 1:
            raise ImproperlyConfigured(f"stand-in {name}={value!r} appears {len(found)} times in {sql}")
        slots[name] = found[0]
    return slots


def _with_values(compiled_params: list, slots: dict[str, tuple], values: dict, stand_ins: dict) -> list:
    """The compiled parameters with each stand-in replaced by this run's value (None as NULL, in any form)."""
    params = list(compiled_params)
    for name, value in values.items():
        position, form = slots[name]
        if position is not None:
            params[position] = None if value is None else form(value)
            continue
        if len(value) != len(stand_ins[name]) or not all(_WORD.fullmatch(word) for word in value):
            raise ValueError(f"{name} takes {len(stand_ins[name])} words of [a-z0-9]+, got {value!r}")
        for position in form:  # the positions of the parameters that hold the words
            params[position] = _fill_words(compiled_params[position], value)
    return params


class CompiledQuery:
    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **stand_ins):
        """`build(**stand_ins)` returns a queryset of `model`. Each stand-in must be a value that appears exactly once
        among the compiled query's parameters (an id no row has, a date no one uses), or StandInWords; every
        other parameter must be the same on every run (no clock read inside `build`)."""
        self.model = model
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple] = {}  # by database alias: engines compile differently
        self._for_write: bool | None = None  # a select_for_update() queryset's, known at the first run
        self._first_build: QuerySet | None = None

    def _database(self) -> str:
        """Where Django would run the queryset: a locking read (select_for_update) on the primary, as
        QuerySet.db does, never on a replica the router picks for plain reads."""
        if self._for_write is None:
            self._first_build = self._build(**self._stand_ins)  # compile() takes it: `build` runs once
            self._for_write = self._first_build._for_write
        return router.db_for_write(self.model) if self._for_write else router.db_for_read(self.model)

    def compile(self, connection) -> tuple:
        """The SQL, its parameters with the stand-ins' positions, and how to build the rows' instances."""
        using = connection.alias
        queryset = self._first_build if self._first_build is not None else self._build(**self._stand_ins)
        self._first_build = None
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured("A CompiledQuery runs one statement: read prefetched relations separately.")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = _slots(self._stand_ins, sql, params)
        # The columns' converters, worked out once too: Django asks every column for them on every read.
        columns = [column[0] for column in compiler.select[0:compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ImproperlyConfigured("A CompiledQuery reads no composite primary keys.")
        converters = compiler.get_converters(columns)
        if queryset._iterable_class is ValuesListIterable:  # rows, not instances
            return compiler, sql, list(params), slots, None, 0, 0, [], [], {}, converters
        if queryset._fields is not None:
            raise ImproperlyConfigured("A CompiledQuery reads model instances or values_list() rows.")
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        return (compiler, sql, list(params), slots, klass_info["model"], start, end, init_list, populators,
                dict(compiler.annotation_col_map), converters)

    def run(self, **values) -> list:
        """The model instances for these parameters (by the stand-ins' names), in the queryset's order; for
        a values_list() queryset, its rows as tuples."""
        if values.keys() != self._stand_ins.keys():
            raise TypeError(f"run() takes {sorted(self._stand_ins)}, got {sorted(values)}")
        using = self._database()
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self.compile(connections[using])
        compiler, sql, params, slots, model, start, end, init_list, populators, annotations, converters = compiled
        with connections[using].cursor() as cursor:
            cursor.execute(sql, _with_values(params, slots, values, self._stand_ins))
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)  # each row as a list
        if model is None:
            return [tuple(row) for row in rows]
        instances = []
        for row in rows:
            instance = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def fill_prefetched(instances: list[Model], accessor: str, related: list[Model], *, queryset: QuerySet) -> None:
    """Give each of `instances` the rows of `related` that point at it through the reverse foreign key
    `accessor` (say Pack "strengths"), as prefetch_related_objects(instances, Prefetch(accessor, queryset))
    would, when a CompiledQuery has read them (in the queryset's order): `instance.<accessor>.all()` then
    asks nothing more, and filtering it queries as a prefetched relation does."""
    if not instances:
        return
    field = getattr(type(instances[0]), accessor).field  # the foreign key on the related model
    cache_name = field.remote_field.cache_name
    by_owner: dict = {}
    for row in related:
        by_owner.setdefault(getattr(row, field.attname), []).append(row)
    for instance in instances:
        rows = by_owner.get(instance.pk, [])
        for row in rows:
            field.set_cached_value(row, instance)
        cached = getattr(instance, accessor)._apply_rel_filters(queryset)
        cached._result_cache = rows
        cached._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[cache_name] = cached


class CompiledUpdate:
    """An UPDATE compiled once per process and database, as CompiledQuery compiles a read: `build(**stand_ins)`
    returns (queryset, {field: value}) as `queryset.update(**values)` takes them, and run() executes the SQL
    with this run's values and returns the number of rows updated, as update() does."""

    def __init__(self, model: type[Model], build: Callable[..., tuple[QuerySet, dict]], **stand_ins):
        self.model = model
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple] = {}

    def compile(self, connection) -> tuple:
        queryset, values = self._build(**self._stand_ins)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        if query.related_updates or query.order_by:
            raise ImproperlyConfigured("A CompiledUpdate runs one UPDATE of one table, unordered.")
        query.clear_select_clause()
        sql, params = query.get_compiler(connection=connection).as_sql()
        return sql, list(params), _slots(self._stand_ins, sql, params)

    def run(self, **values) -> int:
        if values.keys() != self._stand_ins.keys():
            raise TypeError(f"run() takes {sorted(self._stand_ins)}, got {sorted(values)}")
        using = router.db_for_write(self.model)
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self.compile(connections[using])
        sql, params, slots = compiled
        with transaction.mark_for_rollback_on_error(using=using), connections[using].cursor() as cursor:
            cursor.execute(sql, _with_values(params, slots, values, self._stand_ins))
            return cursor.rowcount


class CompiledDelete(CompiledUpdate):
    """A DELETE compiled once per process and database, as CompiledUpdate compiles an UPDATE: `build(**stand_ins)`
    returns the queryset whose rows to delete, which Django deletes in one statement (nothing cascades from
    them, no signal listens: its fast delete), and run() returns the number of rows deleted."""

    def compile(self, connection) -> tuple:
        queryset = self._build(**self._stand_ins)
        if not Collector(using=connection.alias, origin=queryset).can_fast_delete(queryset):
            raise ImproperlyConfigured(f"Deleting {self.model._meta.label} rows takes more than one DELETE.")
        query = queryset.query.chain(DeleteQuery)  # as QuerySet.delete() then _raw_delete() shape it
        query.select_for_update = False
        query.select_related = False
        query.clear_ordering(force=True)
        sql, params = query.get_compiler(connection=connection).as_sql()
        return sql, list(params), _slots(self._stand_ins, sql, params)
