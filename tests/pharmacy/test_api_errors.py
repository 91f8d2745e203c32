"""One error shape for every 4xx/5xx, and no 500 for anything a client can send."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from cart.models import CartLine
from orders.models import Order
from pharmacy.views import server_error
from prescriptions.models import Prescription
from tests.builders.api import PROBLEM_KEYS, assert_problem, checkout, pdf_file
from tests.builders.orders import cart_with
from tests.factories import set_available_stock

pytestmark = pytest.mark.django_db


def lower_rate(settings, scope: str, rate: str) -> None:
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], scope: rate},
    }


@pytest.fixture
def representative_errors(api_client, shopper_client, user, gsl_pack, pom_pack, settings, private_files):
    """One real request for each status the API uses, built lazily so each runs against fresh state."""

    def conflict():
        cart_with(user, (gsl_pack, 2))
        set_available_stock(gsl_pack, 1)
        return checkout(shopper_client)

    def too_large():
        settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 10
        return shopper_client.post("/api/v1/prescriptions/", {"file": pdf_file()}, format="multipart")

    def throttled():
        lower_rate(settings, "checkout", "1/hour")
        checkout(shopper_client, key="first")
        return checkout(shopper_client, key="second")

    def needs_prescription():
        cart_with(user, (pom_pack, 1))
        return checkout(shopper_client)

    return {
        400: lambda: shopper_client.post("/api/v1/cart/lines/", {"sku": "X", "quantity": 0}, format="json"),
        401: lambda: api_client.get("/api/v1/cart/"),
        403: lambda: shopper_client.get("/api/v1/pharmacist/orders/"),
        404: lambda: shopper_client.get("/api/v1/orders/PH-NOSUCH00/"),
        405: lambda: shopper_client.put("/api/v1/cart/", {}, format="json"),
        406: lambda: shopper_client.get("/api/v1/cart/", HTTP_ACCEPT="text/html"),
        409: conflict,
        413: too_large,
        415: lambda: shopper_client.post(
            "/api/v1/cart/lines/", "sku=X&quantity=1", content_type="application/x-www-form-urlencoded"
        ),
        422: needs_prescription,
        429: throttled,
    }


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429])
def test_every_error_status_has_the_one_problem_shape(representative_errors, status):
    assert_problem(representative_errors[status](), status)


def test_a_404_outside_any_api_view_has_the_problem_shape_too(shopper_client):
    assert_problem(shopper_client.get("/api/v1/no-such-endpoint/"), 404, code="not_found")


def test_a_server_error_under_api_has_the_problem_shape():
    response = server_error(RequestFactory().get("/api/v1/cart/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS
    assert (body["status"], body["code"]) == (500, "server_error")


JUNK_JSON_BODIES = [
    b"[" * 100_000,  # nested past Python's recursion limit
    b"{",  # truncated
    b'{"sku": "\\ud800", "quantity": 1}',  # lone surrogate
    b'{"sku": "A", "quantity": 1e400}',  # a float that overflows to infinity
    b'{"sku": "A", "quantity": NaN}',  # not JSON
    b"\xff\xfe\x00junk",  # not UTF-8
    "\ufeff{}".encode(),  # a byte-order mark
    b'"just a string"',
    b"null",
    b'{"sku": {"$gt": ""}, "quantity": [1]}',  # wrong types all round
]


@pytest.mark.parametrize("body", JUNK_JSON_BODIES)
@pytest.mark.parametrize(
    "method, url",
    [
        ("POST", "/api/v1/cart/lines/"),
        ("POST", "/api/v1/checkout/"),
        ("POST", "/api/v1/auth/register/"),
        ("POST", "/api/v1/auth/token/"),
        ("POST", "/api/v1/orders/PH-NOSUCH00/cancel/"),
    ],
)
def test_junk_json_is_a_4xx_problem_and_changes_nothing(shopper_client, method, url, body):
    response = shopper_client.generic(
        method, url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert not CartLine.objects.exists()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/%00/",
        "/api/v1/orders/%E2%98%83/",
        "/api/v1/orders/PH-%0A/cancel/",
        "/api/v1/cart/lines/-1/",
        "/api/v1/cart/lines/1e5/",
        "/api/v1/cart/lines/0x10/",
        "/api/v1/prescriptions/99999999999999999999999999999999999999/",
        "/api/v1/prescriptions/99999999999999999999999999999999999999/file/",
        "/api/v1/pharmacist/orders/%00/",
        "/api/v1/orders/?page=%00",
        "/api/v1/orders/?page_size=%F0%9F%92%8A",
        "/api/v1/prescriptions/?page=99999999999999999999999999",
    ],
)
def test_junk_in_urls_is_a_4xx_problem(shopper_client, url):
    response = shopper_client.get(url)

    assert response.status_code in (400, 404, 405)
    assert_problem(response, response.status_code)


def test_junk_headers_and_files_are_4xx_problems(shopper_client, user, gsl_pack, private_files):
    cart_with(user, (gsl_pack, 1))

    assert_problem(checkout(shopper_client, key="k" * 10_000), 400, field="Idempotency-Key")
    weird_name = SimpleUploadedFile("\u202egpj.exe" + "x" * 1000 + ".pdf", b"MZ", "application/pdf")
    assert_problem(
        shopper_client.post("/api/v1/prescriptions/", {"file": weird_name}, format="multipart"), 415
    )
    assert_problem(
        shopper_client.post("/api/v1/prescriptions/", {"file": "not a file"}, format="multipart"),
        400,
        field="file",
    )
    bad_charset = shopper_client.generic(
        "POST", "/api/v1/cart/lines/", b"{}", content_type="application/json; charset=bz2_codec"
    )
    assert_problem(bad_charset, 400, code="parse_error")
    assert not Order.objects.exists()
    assert not Prescription.objects.exists()


def test_every_dispensing_refusal_carries_a_client_error_status():
    """Each refusal of the dispensing code (orders, dispensing, catalog's batches and reclassification) is a
    DomainError whose http_status, read by pharmacy.api's handler, is 403, 409 or 422."""
    import inspect

    from catalog import exceptions as catalog_errors
    from dispensing import exceptions as dispensing_errors
    from orders import exceptions as order_errors
    from pharmacy.exceptions import DomainError
    from prescriptions import exceptions as prescription_errors

    dispensing = [
        order_errors.NotAllowed, order_errors.NotAPharmacist, order_errors.InvalidOrderTransition,
        order_errors.LineDecisionNotAllowed, order_errors.ConsultationIncomplete,
        order_errors.PatientDetailsRequired, order_errors.PatientTooYoung, order_errors.InvalidReviewDeadline,
        prescription_errors.PrescriptionExpired, prescription_errors.PrescriptionNotCovering,
        prescription_errors.PrescriptionNotUsable, prescription_errors.InvalidDispensingRecord,
        catalog_errors.BatchesUnavailable, catalog_errors.UnknownBatch,
        catalog_errors.InvalidBatch, catalog_errors.AllocationMismatch, catalog_errors.ReclassificationNotAllowed,
        catalog_errors.InvalidReclassification,
        *(error for _, error in inspect.getmembers(dispensing_errors, inspect.isclass)
          if issubclass(error, DomainError) and error.__module__ == dispensing_errors.__name__),
    ]
    for error in dispensing:
        assert error("refused").http_status in (403, 409, 422), error.__name__
    assert dispensing_errors.OwnOrderApproval("x").http_status == 403
    assert dispensing_errors.PharmacistNotRegistered("x").http_status == 403
    assert dispensing_errors.OriginalPrescriptionAwaited("x").http_status == 409
    assert dispensing_errors.NoResponsiblePharmacist("x").http_status == 409


def test_the_handler_answers_with_the_status_the_domain_error_carries():
    """The handler has no table of the apps' exceptions: an error class states its own status, and a
    subclass inherits it unless it states another."""
    from pharmacy.api import exception_handler
    from pharmacy.exceptions import DomainError

    class NoLongerOffered(DomainError):
        code = "no_longer_offered"
        http_status = 410

    class WithdrawnByMaker(NoLongerOffered):
        code = "withdrawn_by_maker"

    gone = exception_handler(WithdrawnByMaker("Withdrawn.", field="sku"), context={})
    refused = exception_handler(DomainError("Refused."), context={})

    assert gone.status_code == 410
    assert gone.data == {"type": "urn:pharmacy:problem:withdrawn_by_maker", "title": "Gone", "status": 410,
                         "detail": "Withdrawn.", "code": "withdrawn_by_maker",
                         "errors": [{"field": "sku", "code": "withdrawn_by_maker", "message": "Withdrawn."}]}
    assert (refused.status_code, refused.data["title"]) == (422, "Unprocessable Entity")
