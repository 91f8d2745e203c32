"""The database session store, reading a session's row with one written-out statement.

Every request that carries a session cookie reads its row. Django's store builds the ORM query
`Session.objects.get(session_key=..., expire_date__gt=now)` and compiles it to SQL on each request: about
900 Python calls, a tenth of a cart page's. This store runs the same statement (the row whose key matches
and whose expiry is still ahead, on the database the router names for reading sessions) from SQL written
once per connection vendor. Writes, deletes and the async reads are Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

_SELECT_SQL: dict[tuple[str, str], str] = {}  # by table and connection vendor


def _select_sql(table: str, connection) -> str:
    key = (table, connection.vendor)
    if key not in _SELECT_SQL:
        quote = connection.ops.quote_name
        _SELECT_SQL[key] = (f"SELECT {quote(table)}.{quote('session_data')} FROM {quote(table)} "
                            f"WHERE ({quote(table)}.{quote('expire_date')} > %s "
                            f"AND {quote(table)}.{quote('session_key')} = %s)")
    return _SELECT_SQL[key]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        sql = _select_sql(model._meta.db_table, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(timezone.now()), self.session_key])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store does: a key with no live session is forgotten
            return None
        return model.from_db(using, ["session_key", "session_data"], [self.session_key, row[0]])
