"""Read replicas: catalog reads of the catalog pages and API go to a replica; everything else stays on the primary.

With `DATABASE_REPLICA_URLS` set, settings add one database alias per replica (`replica_0`, ...) and list
them in `DATABASE_REPLICAS`. Reads go to a replica only when both hold:

- the code runs inside `replica_reads()`: `ReplicaReadsMiddleware` opens it for GET and HEAD requests
  answered by a catalog view (storefront medicine list, detail and search; the products API), and
- the model belongs to a catalog app (`REPLICA_READ_APPS`).

So writes, row locks (`select_for_update` reads through `db_for_read`), and everything a shopper reads right
after writing (cart, checkout, orders, prescriptions, accounts, the admin, Celery tasks) stay on the primary:
a replica lags, and a hot standby refuses locks. A replica that cannot be reached is skipped for
`REPLICA_RETRY_SECONDS` and the read goes to the primary.
"""

import logging
import random
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA_READ_APPS = frozenset({"catalog"})
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
REPLICA_VIEW_MODULE_PREFIXES = ("catalog.views", "catalog.api.")

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


@contextmanager
def replica_reads():
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def primary_reads():
    """Read from the primary inside this block even in a catalog view: what is read here is kept (e.g. the
    catalog cache), so it must not be a lagging replica's copy from before the latest write."""
    token = _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def mark_replica_down(alias: str) -> None:
    with _down_lock:
        _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS


def replica_is_usable(alias: str) -> bool:
    """True when `alias` answers; a failure takes it out of rotation for REPLICA_RETRY_SECONDS."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        # A kept connection (CONN_MAX_AGE) may have died since the last request: ensure_connection() alone
        # would hand it back and the query would fail. The health check (once per request, with
        # CONN_HEALTH_CHECKS) closes it, and the reconnect below then tells whether the replica answers.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except OperationalError:
        logger.warning("Read replica %s unreachable; reading from the primary for %ss", alias,
                       settings.REPLICA_RETRY_SECONDS)
        connection.close()
        mark_replica_down(alias)
        return False
    return True


def choose_replica() -> str:
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if replica_is_usable(alias):
            return alias
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and model._meta.app_label in REPLICA_READ_APPS and replica_aliases():
            return choose_replica()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db not in replica_aliases()  # replicas follow the primary; never migrated themselves


class ReplicaReadsMiddleware:
    """Opens replica reads for safe requests answered by a catalog view, until the response is complete
    (template responses read the catalog while rendering, still inside this middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_reads_token", None)
            if token is not None:
                _replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in READ_ONLY_METHODS or not replica_aliases():
            return None
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith(REPLICA_VIEW_MODULE_PREFIXES):
            request._replica_reads_token = _replica_reads.set(True)
        return None
