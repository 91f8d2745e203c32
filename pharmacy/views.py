import sys

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .api import api_not_found, api_server_error


def health(request):
    """For load balancers and compose health checks: answers when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def ready(request):
    """For load balancers: 503 when this node cannot serve (primary database down); 200 "ok" or
    "degraded" naming each dependency otherwise (see pharmacy/readiness.py)."""
    from .readiness import check_readiness

    readiness = check_readiness()
    response = JsonResponse(readiness.as_dict(), status=200 if readiness.ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    from .middleware import DATABASE_ERRORS, database_unavailable

    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):  # raised outside a view (a middleware, the session)
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)
