"""`{% fixed_url "catalog:home" %}`: the path of a view, reversed once per process.

The header and footer on every page link to the same eight views; reversing each on every request was a
sixth of a cached catalog page. The answer depends only on the URLconf (a request's own, or the
setting) and the script prefix (a site served under a sub-path), so both are part of the memo's key.
Arguments are part of it too (`{% fixed_url "cart:line-remove" line_id=line.pk %}`, two links per line on
every cart page); the memo keeps the last 1,024 answers, so a worker's memory stays bounded.
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _reversed(name: str, urlconf: str | None, prefix: str, arguments: tuple = ()) -> str:
    return reverse(name, urlconf=urlconf, kwargs=dict(arguments) or None)


@register.simple_tag
def fixed_url(name: str, **kwargs) -> str:
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), tuple(sorted(kwargs.items())))
