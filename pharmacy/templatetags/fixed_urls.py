"""`{% fixed_url "catalog:home" %}`: the path of a view that takes no arguments, reversed once per process.

The header and footer on every page link to the same eight views; reversing each on every request was a
sixth of a cached catalog page. The answer depends only on the URLconf (a request's own, or the
setting) and the script prefix (a site served under a sub-path), so both are part of the memo's key.
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=128)
def _reversed(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
