"""django-axes glue: which account a sign-in attempt names, and what a locked-out client is shown.

Axes counts failed sign-ins (storefront, API token, admin) per client address and per account
(AXES_LOCKOUT_PARAMETERS); pharmacy.client_address decides the address. This module only adapts it.
"""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from .exceptions import AccountLocked


def attempted_email(request, credentials) -> str | None:
    """The account an attempt names, normalised so "Ada@Example.org " and "ada@example.org" count together.
    The storefront and admin forms send `username`; the API sends `email`."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("username") or request.POST.get("email")
    value = str(value or "").strip().lower()
    return value or None


def client_description(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names a client in its log lines: the path alone. Its default names the attempted e-mail
    address (a lockout parameter), and logs are no place for personal data."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0] if path_info else ""
    return f"{{path_info: {path_info!r}}}"


def cool_off_minutes() -> int:
    cool_off = get_cool_off()
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def locked_message() -> str:
    return AccountLocked.default_message.format(minutes=cool_off_minutes())


def lockout_response(request, original_response=None, credentials=None):
    """What AxesMiddleware answers to a locked-out sign-in: a problem document on the API, a page elsewhere
    (storefront and admin), both 429 with Retry-After."""
    from pharmacy.api import problem  # the API's one error shape

    minutes = cool_off_minutes()
    if request.path.startswith("/api/"):
        body = problem(
            status_code=429, code=AccountLocked.code, title="Too many failed sign-ins", detail=locked_message()
        )
        response = JsonResponse(body, status=429, content_type="application/problem+json")
    else:
        response = render(
            request, "accounts/locked_out.html",
            {"minutes": minutes, "pharmacy_email": settings.PHARMACY_CONTACT_EMAIL}, status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
