"""Two request-level protections for pages and endpoints that handle personal data.

UploadBodyLimitMiddleware refuses an upload by its declared Content-Length before anything reads the body:
Django's CSRF check reads request.POST, which for a multipart body spools every file to a temporary file,
so a limit checked in the view comes too late. Views opt in with @limit_upload_body (a function view) or
`upload_body_limit = True` (an API view class). The middleware sits before CsrfViewMiddleware.

NoStoreMiddleware marks every answer about an order, a prescription or an account, and every answer to a
signed-in user (the page names them), `Cache-Control: private, no-store`, so no browser or shared cache
keeps a copy on disk.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .api import PROBLEM_CONTENT_TYPE, problem

UPLOAD_METHODS = {"POST", "PUT", "PATCH"}


def limit_upload_body(view):
    view.upload_body_limit = True
    return view


def _wants_body_limit(view_func) -> bool:
    return bool(getattr(view_func, "upload_body_limit", False)
                or getattr(getattr(view_func, "cls", None), "upload_body_limit", False))


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class UploadBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UPLOAD_METHODS or not _wants_body_limit(view_func):
            return None
        limit = settings.PRESCRIPTION_MAX_UPLOAD_BYTES
        length = declared_length(request)
        if length <= limit + settings.UPLOAD_REQUEST_OVERHEAD_BYTES:
            return None
        detail = (f"The upload is {length:,} bytes; the limit is {limit:,} bytes ({limit // 1048576} MB) "
                  "for the file.")
        if request.path.startswith("/api/"):
            body = problem(status_code=413, code="file_too_large", title="Content Too Large", detail=detail,
                           errors=[{"field": "file", "code": "file_too_large", "message": detail}])
            return JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
        return render(request, "413.html", {"detail": detail}, status=413)


# Storefront and API paths that show an order, a prescription, a cart or an account.
PERSONAL_PATH_PREFIXES = (
    "/checkout/", "/orders/", "/prescriptions/", "/accounts/", "/cart/", "/admin/",
    "/api/v1/checkout/", "/api/v1/orders/", "/api/v1/prescriptions/", "/api/v1/pharmacist/",
    "/api/v1/auth/", "/api/v1/cart/",
)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(PERSONAL_PATH_PREFIXES) or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
