"""Batched reads and writes shared by the import's writers: one query per LOOKUP_CHUNK keys."""

from collections.abc import Iterable, Sequence

from .checks import LOOKUP_CHUNK


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fields_of(names: list[str], values: list) -> dict:
    return dict(zip(names, values, strict=True))


def rows_where(queryset, key: str, keys: Sequence) -> Iterable:
    """`queryset` rows whose `key` is in `keys`: one query per LOOKUP_CHUNK keys."""
    for chunk in chunks(keys, LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{key}__in": chunk})
