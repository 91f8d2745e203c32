"""Structured logs: a request id on every line of a request's work (web and its tasks), JSON in production,
and no personal or health data in the logs of a checkout."""

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.test import Client

from pharmacy.log_context import (
    TASK_HEADER,
    JsonFormatter,
    RequestIdFilter,
    add_request_id_to_task_headers,
    forget_request_id_after_task,
    logging_config,
    request_id_var,
    restore_request_id_for_task,
)
from tests.builders.api import checkout
from tests.builders.orders import MINIMAL_PDF, cart_with

pytestmark = pytest.mark.django_db


@contextmanager
def capturing_logs():
    """Every record at DEBUG and above, through the real filter and the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


@pytest.fixture
def captured_logs():
    with capturing_logs() as stream:
        yield stream


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_an_incoming_request_id_is_honoured_and_returned(captured_logs):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-abc-123")

    assert response["X-Request-ID"] == "lb-abc-123"


def test_a_request_without_an_id_gets_a_new_one_and_a_forged_one_is_replaced():
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]
    forged = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nINFO fake line")["X-Request-ID"]

    assert len(first) == 32 and first != second
    assert len(forged) == 32 and "\n" not in forged


def test_every_log_line_of_a_request_carries_its_id(captured_logs, settings):
    settings.METRICS_TOKEN = ""
    Client().get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="req-42")  # django.request logs the 404

    records = [line for line in lines(captured_logs) if line["logger"] == "django.request"]
    assert records and {line["request_id"] for line in records} == {"req-42"}
    assert request_id_var.get() == "-"  # nothing leaks into the next request


def test_the_request_id_travels_to_a_task_in_its_headers():
    headers = {}
    token = request_id_var.set("req-from-web")
    try:
        add_request_id_to_task_headers(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {TASK_HEADER: "req-from-web"}

    class FakeRequest:  # what a worker's task.request holds: custom message headers become attributes
        pharmacy_request_id = "req-from-web"
        headers = None

    class FakeTask:
        request = FakeRequest()

    task = FakeTask()
    restore_request_id_for_task(task=task)
    assert request_id_var.get() == "req-from-web"
    forget_request_id_after_task(task=task)
    assert request_id_var.get() == "-"


def test_json_format_writes_one_object_per_line_with_the_request_id():
    config = logging_config(log_format="json", level="INFO")
    formatter = JsonFormatter()
    record = logging.LogRecord("orders", logging.WARNING, __file__, 1, "Outbox message %s failed", (7,), None)
    RequestIdFilter().filter(record)

    entry = json.loads(formatter.format(record))

    assert config["handlers"]["console"]["formatter"] == "json"
    assert entry["message"] == "Outbox message 7 failed"
    assert entry["level"] == "WARNING" and entry["logger"] == "orders" and entry["request_id"] == "-"
    with pytest.raises(ValueError):
        logging_config(log_format="xml", level="INFO")


DISTINCTIVE = {
    "full_name": "Zebedee Quuxworth-Plimsoll",
    "email": "zebedee.quuxworth@example.org",
    "phone": "07700 911911",
    "address_line1": "77 Xylophone Crescent",
    "city": "Quuxbridge",
    "postcode": "QX9 9ZZ",
}


def test_a_checkout_logs_no_name_address_or_prescription_contents(
        shopper_client, user, gsl_pack, pom_pack, django_capture_on_commit_callbacks):
    # given: a prescription whose file name and bytes are distinctive, and a checkout with distinctive details
    from django.core.files.uploadedfile import SimpleUploadedFile

    secret_bytes = MINIMAL_PDF.replace(b"%%EOF", b"% Methotrexate-Zebedee-Secret\n%%EOF")
    with capturing_logs() as captured_logs:  # from the shopper's first request on (not the factories' setup)
        with django_capture_on_commit_callbacks(execute=True):
            upload = shopper_client.post(
                "/api/v1/prescriptions/",
                {"file": SimpleUploadedFile("zebedee-methotrexate.pdf", secret_bytes, "application/pdf")},
                format="multipart")
        assert upload.status_code == 201, upload.content
        cart_with(user, (gsl_pack, 1), (pom_pack, 1))

        # when: the checkout runs, with its after-commit work (the confirmation e-mail) executed
        with django_capture_on_commit_callbacks(execute=True):
            response = checkout(shopper_client, key="pii-1", prescription_id=upload.json()["id"], **DISTINCTIVE)
        assert response.status_code == 201, response.content
        logging.getLogger("pharmacy.test").info("checkout done")  # proves the capture works

    # then
    text = captured_logs.getvalue()
    assert "checkout done" in text
    for value in [*DISTINCTIVE.values(), user.full_name, user.email, "zebedee-methotrexate", "Methotrexate-Zebedee"]:
        assert value not in text, f"{value!r} appeared in the logs"
        assert value.lower() not in text.lower()


# --- A whole journey ----------------------------------------------------------------------------------

JOURNEY_EMAIL = "quentin.zabriskie-journey@example.org"
JOURNEY_NAME = "Quentin Zabriskie-Journey"
CHILD_NAME = "Philippa Zabriskie-Journey"
ANSWER = "Philippa is 20 weeks pregnant and allergic to penicillin"
NOTE = "Spoke to Philippa's midwife: codeine refused in pregnancy"
PASSWORDS = ("first-plum-orchard-42", "second-plum-orchard-42")
CONDITION = "asthma"  # coded values of the health record (patients/vocabulary.py)
ALLERGY = "penicillins"


def _link(body: str, path: str) -> tuple[str, str, str]:
    """The link to `path` in an e-mail, and its uid and token."""
    import re

    link = re.search(rf"http://testserver({path}([^/\s]+)/([^/\s]+)/)", body)
    return link.group(1), link.group(2), link.group(3)


def test_a_whole_journey_logs_no_token_e_mail_address_name_or_health_detail(
        client, pharmacist, django_capture_on_commit_callbacks, settings):
    """Sign-up, the verification link, a failed sign-in and a password reset link, a checkout of a P medicine
    for a child's health record (conditions, allergies) with the consultation, then the pharmacist's review
    and refusal with a note: the logs (every logger, from DEBUG) hold none of the secrets or personal details
    the journey carried, and neither the e-mails sent nor /metrics/pharmacy hold any health data (the
    medicine, the conditions and allergies, the answers)."""
    from decimal import Decimal

    from django.core import mail
    from django.urls import reverse

    from accounts.models import User
    from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
    from orders.models import Order
    from tests.builders.patients import child_record
    from tests.factories import PackFactory, ProductFactory

    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy")
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    question = ConsultationQuestion.objects.create(questionnaire=questionnaire, answer_type="text",
                                                   text="Anything the pharmacist should know?")
    pack = PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)
    shopper = Client()
    secrets: list[str] = []

    def committed(post, *args, **kwargs):  # a request, and its after-commit work (e-mails) run
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    with capturing_logs() as captured:
        # Sign-up, and the link that confirms the address.
        committed(shopper.post, reverse("accounts:signup"), {"email": JOURNEY_EMAIL, "full_name": JOURNEY_NAME,
                                                             "password1": PASSWORDS[0], "password2": PASSWORDS[0]})
        link, uid, token = _link(mail.outbox[-1].body, "/accounts/verify-email/")
        secrets += [uid, token]
        assert shopper.get(link).status_code in (200, 302)

        # A wrong password, then a reset through the e-mailed link.
        assert shopper.post(reverse("accounts:login"), {"username": JOURNEY_EMAIL,
                                                        "password": "wrong-password-1"}).status_code == 200
        committed(shopper.post, reverse("accounts:password-reset"), {"email": JOURNEY_EMAIL})
        link, uid, token = _link(mail.outbox[-1].body, "/accounts/password-reset/")
        secrets += [uid, token]
        form_page = shopper.get(link, follow=True)
        assert form_page.context["validlink"] is True
        shopper.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORDS[1],
                                                       "new_password2": PASSWORDS[1]})
        assert shopper.post(reverse("accounts:login"), {"username": JOURNEY_EMAIL,
                                                        "password": PASSWORDS[1]}).status_code == 302

        # A P medicine for the shopper's child, by the child's health record, with the consultation answered
        # and the health-data consent a new account gives with its first such order.
        child = child_record(User.objects.get(email=JOURNEY_EMAIL), name=CHILD_NAME, conditions=[CONDITION],
                             allergy_classes=[ALLERGY])
        shopper.post(reverse("cart:add"), {"pack": pack.pk, "quantity": 1})
        response = committed(shopper.post, reverse("checkout:checkout"), {
            "idempotency_key": "5d1f7a2e-8c44-4a0e-9d8e-0a8f6c1f2b3c", "full_name": JOURNEY_NAME,
            "email": JOURNEY_EMAIL, "phone": "07700 912345", "address_line1": "9 Zabriskie Point",
            "city": "Leeds", "postcode": "LS1 1AA", "patient_for": "other", "patient_record": str(child.pk),
            f"consult_COD-32_{question.pk}": ANSWER, "health_data_consent": "on",
        })
        assert response.status_code == 302, response.content
        order = Order.objects.get()

        # The pharmacist reads the answers and refuses, with a note for the record.
        client.force_login(pharmacist)
        review = reverse("admin:orders_order_review", args=[order.pk])
        assert ANSWER in client.get(review).content.decode()
        line = order.lines.get()
        committed(client.post, review, {"line_id": str(line.pk), f"line-{line.pk}-line": str(line.pk),
                             f"line-{line.pk}-reason": "not_suitable", f"line-{line.pk}-note": NOTE,
                             "_refuse_line": "1"})
        settings.METRICS_TOKEN = "journey-metrics-token"
        metrics = client.get("/metrics/pharmacy", HTTP_AUTHORIZATION="Bearer journey-metrics-token")
        assert metrics.status_code == 200
        logging.getLogger("pharmacy.test").info("journey done")

    line.refresh_from_db()
    assert (line.decision, line.decision_reason) == ("refused", NOTE)  # the journey really ran to the end
    assert len(mail.outbox) >= 4  # verification, reset, order placed, refusal
    text = captured.getvalue()
    assert "journey done" in text
    for value in [*secrets, JOURNEY_EMAIL, JOURNEY_NAME, CHILD_NAME, ANSWER, NOTE, "penicillin", "pregnant",
                  *PASSWORDS, "wrong-password-1", "Zabriskie"]:
        assert value.lower() not in text.lower(), f"{value!r} appeared in the logs"
    assert order.patient_record_id == child.pk and order.lines.get().product_name == "Codamol tablets"
    health_data = [product.name, "Codamol", CONDITION, "asthma", ALLERGY, "penicillin", ANSWER, "pregnant", NOTE]
    sent = [f"{email.subject}\n{email.body}" for email in mail.outbox]
    scraped = metrics.content.decode()
    for value in health_data:
        for body in sent:
            assert value.lower() not in body.lower(), f"{value!r} appeared in an e-mail: {body}"
        assert value.lower() not in scraped.lower(), f"{value!r} appeared in /metrics/pharmacy"
