"""New rows inserted with SQL compiled once per process, database and number of rows, as CompiledQuery
(pharmacy.compiled_query) reads.

Model.save() and QuerySet.bulk_create() build an InsertQuery and compile it on every call: its columns,
placeholders and RETURNING clause, a quarter of a millisecond for an order's row, although the SQL is the
same every time. A CompiledInsert lets Django's compiler write that SQL for the first rows it is given,
keeps it, and for later rows works out only their parameters, as the compiler does: each field's
pre_save() (auto_now_add stamps the time) and get_db_prep_save(). What it writes is what save() or
bulk_create() would write; the statement still goes through the connection's cursor, so query counts
and wrappers see it.

For models whose save() adds nothing to a new row: no parents (multi-table inheritance), no
order_with_respect_to, a primary key the database numbers or the caller gives (not a default), and no
save() of their own, unless it is declared checked (`save_checked=True`: it only refuses what an insert
never does, such as editing a written record). insert() sends pre_save and post_save as save() does;
insert_many() sends none, as bulk_create().
"""

from collections.abc import Sequence
from types import MethodType

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler

# Statements compiled for at most this many rows (each number of rows its own): a larger batch goes to
# bulk_create().
MOST_ROWS_COMPILED = 20


class CompiledInsert:
    def __init__(self, model: type[Model], *, save_checked: bool = False):
        meta = model._meta
        if meta.parents or meta.order_with_respect_to or meta.pk.has_default():
            raise ImproperlyConfigured(f"A CompiledInsert inserts rows of one table whose key is automatic or "
                                       f"given: {meta.label} is not one.")
        if model.save is not Model.save and not save_checked:
            raise ImproperlyConfigured(f"{meta.label} has a save() of its own: check it adds nothing to an insert.")
        self.model = model
        self._fields = [field for field in meta.local_concrete_fields
                        if not field.generated and field is not meta.auto_field]
        if any(hasattr(field, "get_placeholder") for field in self._fields):
            raise ImproperlyConfigured(f"{meta.label} has a field whose placeholder depends on its value.")
        self._returning = meta.db_returning_fields
        self._compiled: dict[tuple[str, int], tuple] = {}  # by database alias and number of rows

    def create(self, **values) -> Model:
        """As `model.objects.create(**values)`."""
        return self.insert(self.model(**values))

    def insert(self, instance: Model) -> Model:
        """Insert a new `instance` as instance.save() does, and give it its primary key."""
        using = router.db_for_write(self.model, instance=instance)
        instance._prepare_related_fields_for_save(operation_name="save")
        pre_save.send(sender=self.model, instance=instance, raw=False, using=using, update_fields=None)
        self._execute([instance], using)
        post_save.send(sender=self.model, instance=instance, created=True, update_fields=None, raw=False,
                       using=using)
        return instance

    def insert_many(self, instances: Sequence[Model]) -> list[Model]:
        """Insert new `instances` in one statement, as bulk_create(instances) does (no signals)."""
        instances = list(instances)
        if len(instances) > MOST_ROWS_COMPILED:
            return self.model._base_manager.bulk_create(instances)  # in batches, as the database allows
        if instances:
            using = router.db_for_write(self.model)
            for instance in instances:
                instance._prepare_related_fields_for_save(operation_name="bulk_create")
            self._execute(instances, using)
        return instances

    def _execute(self, instances: list[Model], using: str) -> None:
        automatic = self.model._meta.auto_field is not None
        if any((instance.pk is not None) is automatic for instance in instances):
            raise ValueError(f"A CompiledInsert inserts new {self.model._meta.label} rows only, with their key "
                             f"{'left to the database' if automatic else 'given'}.")
        connection = connections[using]
        key = (using, len(instances))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(connection, instances)
        sql, returning_params, compiler, converters = compiled
        # After compiling, whose pre_save() stamped the rows too: each instance keeps the time written.
        params = [value for instance in instances for value in self._values(instance, connection)]
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(sql, (*params, *returning_params))
            if not self._returning:  # a key the caller gave
                rows = [()] * len(instances)
            elif len(instances) == 1:
                rows = [connection.ops.fetch_returned_insert_columns(cursor, returning_params)]
            else:
                rows = connection.ops.fetch_returned_insert_rows(cursor)
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        for instance, row in zip(instances, rows, strict=True):
            for value, field in zip(row, self._returning, strict=True):
                setattr(instance, field.attname, value)
            instance._state.adding = False
            instance._state.db = using

    def _values(self, instance: Model, connection) -> list:
        """The row's parameters, as the compiler's pre_save_val() and prepare_value() give them."""
        values = []
        for field in self._fields:
            value = field.pre_save(instance, True)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"A CompiledInsert takes values, not expressions ({field.name}={value!r}).")
            values.append(field.get_db_prep_save(value, connection))
        return values

    def _compile(self, connection, instances: list[Model]) -> tuple:
        """Django's SQL for as many rows as `instances` (compiled from them: the SQL depends on their
        number only), their values in rows (VALUES (...), (...)). Not the arrays of PostgreSQL's UNNEST, which
        Django chooses for two rows or more: a few rows' arrays cost more to write out (psycopg escapes each
        text element in Python) than their planning saves, and a prepared statement is planned once anyway."""
        features = connection.features
        if self._returning and not (features.can_return_columns_from_insert
                                    and (len(instances) == 1 or features.can_return_rows_from_bulk_insert)):
            raise ImproperlyConfigured(f"{connection.vendor} cannot return the keys of inserted rows.")
        query = InsertQuery(self.model)
        query.insert_values(self._fields, instances)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = self._returning
        compiler.assemble_as_sql = MethodType(SQLInsertCompiler.assemble_as_sql, compiler)  # rows, not arrays
        [(sql, _)] = compiler.as_sql()
        columns = [field.get_col(self.model._meta.db_table) for field in self._returning]
        return sql, tuple(compiler.returning_params), compiler, compiler.get_converters(columns)
