"""What every anonymous shopper sees, cached as data under a catalog version (STYLE.md 8b).

Every key carries the current catalog version; the catalog services that write bump it (never a
signal), so a write makes every older entry unreachable at once and the next read fills from the
database. Entries also expire after CATALOG_CACHE_TIMEOUT seconds: a safety net for a bump lost while
Redis was unreachable, and for what changes without a write (a batch passing its sell-by margin turns a
pack out of stock with no service call).

When to bump: both inside the writing transaction and again after it commits.
- Inside: the writer (and a test, whose transaction never commits) reads its own write afterwards.
- After commit (transaction.on_commit): between the first bump and the commit, another request may miss
  the new key and fill it from the database snapshot that does not yet show the write. Only a bump
  after the commit guarantees that no request reads a stale price, stock flag or leaflet once the write
  is visible. Bumping only inside would leave that window open for a whole TTL; bumping only on commit
  would let the writer's own transaction read stale entries.
The fill reads the primary database (the default alias), never a replica that may lag behind the bump.

A request reads the version once: its ETag and its cache key then name the same version, and Redis is
asked once rather than twice. The version is remembered from request_started to request_finished (the
signals are connected in CatalogConfig.ready), and a bump forgets it, so a request that writes reads the
new version afterwards. Outside a request (tasks, commands) every read asks the cache.
"""

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from pharmacy.db_router import primary_reads

VERSION_KEY = "catalog:version"
_MISSING = object()


# The current request's memo ({} until the version is read, then {"version": n}); None outside a request.
_request_memo: ContextVar[dict | None] = ContextVar("catalog_version_memo", default=None)


def remember_version_for_request(**signal_arguments) -> None:
    """request_started: this request reads the catalog version at most once (until a bump)."""
    _request_memo.set({})


def forget_version_after_request(**signal_arguments) -> None:
    """request_finished: the next request reads the version afresh."""
    _request_memo.set(None)


def catalog_version() -> int:
    memo = _request_memo.get()
    if memo:
        return memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        # First read after a flush: start from the clock so an old entry can never be reached again.
        version = int(time.time() * 1000)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    if memo is not None:
        memo["version"] = int(version)
    return int(version)


def _bump() -> None:
    memo = _request_memo.get()
    if memo:
        memo.clear()  # the request that wrote reads the new version from now on
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (flushed, or never read): a fresh one is as good as a bump
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)


def bump_catalog_version() -> None:
    """Make every cached catalog entry stale: now, and again once the current transaction commits
    (see the module docstring for why both)."""
    _bump()
    transaction.on_commit(_bump, robust=True)


def cache_key(kind: str, *parts: Any, version: int | None = None) -> str:
    digest = hashlib.blake2b("\x1f".join(str(part) for part in parts).encode(), digest_size=16).hexdigest()
    return f"catalog:{version if version is not None else catalog_version()}:{kind}:{digest}"


def cached(kind: str, *parts: Any, fill: Callable[[], Any]) -> Any:
    """The value cached for (kind, parts) at the current catalog version, or `fill()` stored there."""
    if not settings.CATALOG_CACHE_ENABLED:
        return fill()
    key = cache_key(kind, *parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        with primary_reads():  # a replica may lag behind the write that bumped the version
            value = fill()
            cache.set(key, value, timeout=settings.CATALOG_CACHE_TIMEOUT)  # pickling evaluates lazy values here
    return value


def catalog_etag(*parts: Any) -> str:
    """A strong validator for a public catalog response: the catalog version, the time bucket of the
    cache's TTL (what changes without a write is seen within it) and what else varies the response."""
    bucket = int(time.time()) // max(settings.CATALOG_CACHE_TIMEOUT, 1)
    digest = hashlib.blake2b(
        "\x1f".join(str(part) for part in (catalog_version(), bucket, *parts)).encode(), digest_size=12
    ).hexdigest()
    return f'"{digest}"'
