"""Conditional GET for the public catalog: ETag and Cache-Control, and 304 when the client's copy is current.

The validator is the catalog version (catalog/cache.py) plus what else varies the response, so any
catalog write changes it. Pages are validated only for a visitor with no cookie but the CSRF one: a
signed-in shopper's header, an anonymous cart or a flash message change the page without a catalog write.
"""

import functools

from django.utils.cache import get_conditional_response, patch_cache_control

from .cache import catalog_etag

# Shared caches may store the API's public answers, but must ask again each time (cheap: a 304).
API_CACHE_CONTROL = {"public": True, "no_cache": True}
# Pages carry a CSRF token: only the browser may keep them, and it asks again each time.
PAGE_CACHE_CONTROL = {"private": True, "no_cache": True}
_PAGE_COOKIES_ALLOWED = {"csrftoken"}


def _etag_for(request, *parts) -> str:
    return catalog_etag(request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", ""), *parts)


def api_not_modified(request):
    """(304 response or None, etag) for a public catalog API GET."""
    etag = _etag_for(request)
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response.headers["ETag"] = etag
        patch_cache_control(response, **API_CACHE_CONTROL)
    return response, etag


def finish_api_response(response, etag: str):
    if response.status_code == 200:
        response.headers["ETag"] = etag
        patch_cache_control(response, **API_CACHE_CONTROL)
    return response


def page_etag(request) -> str | None:
    """The validator of a storefront page, or None when the page may show more than the catalog."""
    if request.method not in ("GET", "HEAD") or set(request.COOKIES) - _PAGE_COOKIES_ALLOWED:
        return None
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    return _etag_for(request, request.COOKIES.get("csrftoken", ""))


def conditional_page(view):
    """Decorate a storefront catalog view: ETag and 304 for a cookieless anonymous visitor, and a
    Cache-Control that keeps pages out of shared caches for everyone."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        etag = page_etag(request)
        if etag is not None:
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                not_modified.headers["ETag"] = etag
                patch_cache_control(not_modified, **PAGE_CACHE_CONTROL)
                return not_modified
        response = view(request, *args, **kwargs)
        if etag is not None and response.status_code == 200:
            # A csrftoken cookie set on this response changes the next request's validator: one more 200.
            response.headers["ETag"] = etag
        patch_cache_control(response, **PAGE_CACHE_CONTROL)
        return response

    return wrapped
