"""API plumbing shared by every app: the one error shape, and pagination.

Every 4xx/5xx from the API is an RFC 9457 problem document:
    {"type", "title", "status", "detail", "code", "errors": [{"field", "code", "message"}]}
Each domain error carries its HTTP status (`DomainError.http_status`); the handler reads it.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework import pagination, parsers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from pharmacy.exceptions import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

def problem(
    *, status_code: int, code: str, title: str, detail: str, errors: list[dict] | None = None
) -> dict:
    return {
        "type": f"urn:pharmacy:problem:{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
        "errors": errors or [],
    }


def _flatten_validation_errors(detail, prefix: str = "") -> list[dict]:
    """Turn DRF's nested {"field": ["msg"]} into a flat list with dotted field paths."""
    errors: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # DRF keys a list's item errors by index: items[0].sku, as services do
                errors.extend(_flatten_validation_errors(value, f"{prefix}[{key}]"))
                continue
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            errors.extend(_flatten_validation_errors(value, path))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                errors.append({"field": prefix or None, "code": getattr(item, "code", "invalid"), "message": str(item)})
        else:
            for index, item in enumerate(detail):
                errors.extend(_flatten_validation_errors(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
    else:
        errors.append({"field": prefix or None, "code": getattr(detail, "code", "invalid"), "message": str(detail)})
    return errors


def _problem_response(body: dict, headers: dict | None = None) -> Response:
    response = Response(body, status=body["status"], headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_problem() -> dict:
    return problem(
        status_code=503, code="service_unavailable", title=_title(503),
        detail="The service is briefly unavailable. Nothing was changed; please try again shortly.",
    )


def database_unavailable_response(request) -> JsonResponse:
    """The database is unreachable (restarting, failing over): a clean 503 with Retry-After, not a 500.
    Every write is one transaction, so a request that failed this way changed nothing."""
    response = JsonResponse(database_unavailable_problem(), status=503, content_type=PROBLEM_CONTENT_TYPE)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc, context):
    if isinstance(exc, DATABASE_ERRORS):
        return _problem_response(database_unavailable_problem(),
                                 headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
    if isinstance(exc, DomainError):
        status_code = exc.http_status
        errors = [{"field": error.field, "code": error.code, "message": error.message, **_jsonable(error.extra)}
                  for error in exc.every_error]
        detail = " ".join(error.message for error in exc.every_error)
        response = _problem_response(
            problem(
                status_code=status_code, code=exc.code, title=_title(status_code), detail=detail, errors=errors
            )
        )
        if exc.extra.get("retry_after"):  # e.g. AccountLocked: seconds until the cool-off ends
            response["Retry-After"] = str(int(exc.extra["retry_after"]))
        return response
    if isinstance(exc, RequestDataTooBig):
        # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), raised while DRF parses the body.
        return _problem_response(problem(
            status_code=413, code="request_too_large", title=_title(413),
            detail="The request body is larger than this server accepts.",
        ))
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    if isinstance(exc, drf_exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, drf_exceptions.ValidationError):
            errors = _flatten_validation_errors(exc.detail)
            detail = "The request has invalid fields: " + ", ".join(
                sorted({e["field"] or "(request)" for e in errors})
            )
            code = "invalid"
        else:
            detail = str(exc.detail)
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
            errors = []
        return _problem_response(
            problem(
                status_code=exc.status_code, code=code, title=_title(exc.status_code), detail=detail, errors=errors
            ),
            headers=headers,
        )
    return None  # DRF lets Django handle the rest; handler500 below keeps the shape


def _title(status_code: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status_code).phrase


def _jsonable(extra: dict) -> dict:
    return {key: value if isinstance(value, (str, int, float, bool, type(None), list)) else str(value)
            for key, value in extra.items()}


def api_not_found(request, exception=None):
    body = problem(status_code=404, code="not_found", title="Not Found", detail="No such resource.")
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)


def api_server_error(request):
    body = problem(
        status_code=500, code="server_error", title="Internal Server Error",
        detail="Something went wrong on our side. It has been logged.",
    )
    return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that JSON nested too deeply for Python's decoder (`[[[[...`) is a
    400 like any other malformed body, instead of a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise drf_exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (at most 100; larger sizes are capped). A `page_size` that is not a whole
    number of at least 1 is a 400, not silently the default, so clients learn of their mistake."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = "Number of results per page, 1 or more; sizes over 100 are capped at 100."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else ""
        if not digits:
            raise drf_exceptions.ValidationError(
                {self.page_size_query_param: ["Enter a whole number of at least 1."]}, code="invalid"
            )
        # A number too long to be a sensible size is simply over the cap (and int() has a digit limit).
        return self.max_page_size if len(digits) > 6 else min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_page_number(self, request, paginator):
        # DRF reads `page=` (empty) as page 1; the schema says a whole number, so an empty one is a 400.
        if request.query_params.get(self.page_query_param) == "":
            raise drf_exceptions.ValidationError(
                {self.page_query_param: ["Enter a whole number of at least 1."]}, code="invalid"
            )
        return super().get_page_number(request, paginator)


class FileOrJSONErrorNegotiation(BaseContentNegotiation):
    """For endpoints that answer with a file's bytes (leaflet PDFs, prescriptions): only their errors go
    through a renderer, always as JSON, so `Accept: application/pdf` is not refused with a 406 before
    the view runs."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type
