"""Refuse requests that carry NUL characters in the URL before they reach a database lookup.

PostgreSQL text cannot hold NUL, so a lookup like /orders/%00/ would raise in the database and answer
500. Forms and serializers already refuse NUL in fields (ProhibitNullCharactersValidator); this covers
the path, where no resource can exist (404, like any unknown address), and the query string (400).
"""

from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

from .api import (
    DATABASE_ERRORS,
    DATABASE_RETRY_AFTER_SECONDS,
    PROBLEM_CONTENT_TYPE,
    database_unavailable_response,
    problem,
)
from .views import not_found


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return not_found(request)
        if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return self.bad_query(request)
        return self.get_response(request)

    @staticmethod
    def bad_query(request):
        detail = "The query string contains a NUL character, which is never valid here."
        if request.path.startswith("/api/"):
            body = problem(status_code=400, code="invalid_characters", title="Bad Request", detail=detail)
            return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")


# The storefront uses no inline script or style and loads nothing from other origins, so it can be
# strict. The admin and the API docs are left to their own pages (they use inline script and style).
STOREFRONT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
NOT_STOREFRONT_PREFIXES = ("/admin/", "/api/")


class StorefrontContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(NOT_STOREFRONT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", STOREFRONT_CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database (a restart, a failover) answers 503 with Retry-After, not 500:
    a problem document under /api/, a short page elsewhere. Each write is one transaction, so nothing
    was half-written; the connection is re-checked on the next request (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None


def database_unavailable(request):
    if request.path.startswith("/api/"):
        return database_unavailable_response(request)
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response
