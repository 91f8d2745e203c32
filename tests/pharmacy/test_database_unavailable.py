"""A lost database connection answers 503 with Retry-After (a problem under /api/), never 500."""

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from pharmacy.api import exception_handler
from pharmacy.middleware import DatabaseUnavailableMiddleware
from pharmacy.views import server_error


def test_api_exception_handler_answers_503_problem_with_retry_after_for_a_lost_database():
    response = exception_handler(OperationalError("server closed the connection unexpectedly"), {})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content_type == "application/problem+json"
    assert response.data["code"] == "service_unavailable"


def test_storefront_view_losing_the_database_gets_a_503_page_with_retry_after():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    response = middleware.process_exception(RequestFactory().get("/checkout/"), InterfaceError("connection closed"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Briefly unavailable" in response.content


def test_other_exceptions_are_left_to_the_500_handler():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    assert middleware.process_exception(RequestFactory().get("/checkout/"), ValueError("bug")) is None


def test_database_error_raised_outside_a_view_is_a_503_problem_too():
    request = RequestFactory().get("/api/v1/orders/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
