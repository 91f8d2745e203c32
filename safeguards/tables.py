"""The purchase-limit and warning-sign tables, cached as data under a version (STYLE.md 8b).

Every checkout reads the active limits and the warning-sign rules, and every card payment reads the
shared-card rule; staff change them a few times a year. So the active rows are cached under a version
that every write bumps: the admin (save, delete, list edits) and the demo loader call
`bump_safeguards_version`. A write makes every older entry unreachable at once, and the next checkout
reads the tables from the database. Entries also expire after SAFEGUARDS_CACHE_TIMEOUT seconds, a safety
net for a bump lost while the cache was unreachable, or for a change made outside those writers (a
migration, the shell).

As for the catalog (catalog/cache.py), the version is bumped inside the writing transaction, so the
writer reads its own change, and again after the commit, so that no checkout keeps a table it filled from
the snapshot before the write.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from pharmacy.db_router import primary_reads

from .models import PurchaseLimit, WarningSignRule

VERSION_KEY = "safeguards:version"
# Part of every key: an entry pickled by an older release (other fields) is never read by a newer one.
TABLES_FORMAT = 1


@dataclass(frozen=True)
class SafeguardTables:
    limits: tuple[PurchaseLimit, ...]  # the active limits
    rules: dict[str, WarningSignRule]  # the active warning-sign rules, by kind


def safeguard_tables() -> SafeguardTables:
    """The active limits and rules: from the cache at the current version, or read (two queries) and cached."""
    if not settings.SAFEGUARDS_CACHE_ENABLED:
        return _read()
    key = f"safeguards:{_version()}:tables:{TABLES_FORMAT}"
    tables = cache.get(key)
    if tables is None:
        with primary_reads():  # a replica may lag behind the write that bumped the version
            tables = _read()
        cache.set(key, tables, timeout=settings.SAFEGUARDS_CACHE_TIMEOUT)
    return tables


def bump_safeguards_version() -> None:
    """Make the cached tables stale: now, and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump, robust=True)


def _read() -> SafeguardTables:
    return SafeguardTables(
        limits=tuple(PurchaseLimit.objects.filter(is_active=True)),
        rules={rule.kind: rule for rule in WarningSignRule.objects.filter(is_active=True)},
    )


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First read after a flush: start from the clock so that an old entry can never be reached again.
        version = int(time.time() * 1000)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return int(version)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (flushed, or never read): a fresh one is as good as a bump
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
