"""Every lock the safeguards take.

Checkouts to one delivery address queue on a transaction-scoped advisory lock named after the address,
so two accounts ordering to one address at the same moment cannot both fit under a per-address limit
(the second reads the first's order once it commits). One account's checkouts already queue on its
cart's row lock. Taken before place_order's stock row locks, always in that order, and by nothing else
that locks packs, so it cannot deadlock.
"""

import hashlib

from django.db import connection


def address_for_update(*, address_key: str) -> None:
    if connection.vendor != "postgresql":  # SQLite runs one write transaction at a time anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(f"safeguards.address:{address_key}")])


def _lock_id(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
