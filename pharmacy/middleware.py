"""Refuse requests that carry NUL characters in the URL.

PostgreSQL text cannot hold NUL, so a lookup like /orders/%00/ would raise in the database and
answer 500; forms and serializers already refuse NUL in fields (ProhibitNullCharactersValidator),
this covers the path and query string, which reach URL converters and lookups unvalidated.
"""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest, JsonResponse

from .api import PROBLEM_CONTENT_TYPE, problem


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query) or "\x00" in unquote(query.replace("+", " ")):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        detail = "The address contains a NUL character, which is never valid here."
        if request.path.startswith("/api/"):
            body = problem(status_code=400, code="invalid_characters", title="Bad Request", detail=detail)
            return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
