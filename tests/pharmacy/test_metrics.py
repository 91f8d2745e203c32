"""/metrics and /metrics/pharmacy: behind METRICS_TOKEN, and the pharmacy gauges show the database's true values."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import OutboxMessage, OutboxStatus
from tests.builders.api import checkout
from tests.builders.dispensing import QUEUE_URL, record
from tests.builders.orders import cart_with, uploaded_prescription

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(path: str = "/metrics/pharmacy") -> dict[tuple[str, tuple], float]:
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_do_not_exist_without_a_configured_token(settings):
    settings.METRICS_TOKEN = ""

    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics/pharmacy", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {TOKEN}", TOKEN])
def test_metrics_refuse_a_missing_or_wrong_token(metrics_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    assert Client().get("/metrics", **extra).status_code == 403
    assert Client().get("/metrics/pharmacy", **extra).status_code == 403


def test_node_metrics_count_requests_latencies_and_database_queries(metrics_token, gsl_pack):
    Client().get("/api/v1/products/")
    Client().get("/healthz")

    samples = scrape("/metrics")

    names = {name for name, _ in samples}
    assert "django_http_requests_total_by_view_transport_method_total" in names
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in names
    assert samples[("django_http_requests_total_by_view_transport_method_total",
                    (("method", "GET"), ("transport", "http"), ("view", "health")))] >= 1
    assert not any(name.startswith("pharmacy_") for name in names)  # those are computed once, elsewhere


def test_pharmacy_gauges_show_the_true_values_after_a_checkout_and_a_review(
        metrics_token, shopper_client, user, pharmacist_client, gsl_pack, pom_pack):
    # given: a general-sale checkout (approved at once) and two prescription orders, one of them reviewed
    cart_with(user, (gsl_pack, 1))
    assert checkout(shopper_client, key="gsl").status_code == 201
    waiting = []
    for key in ("pom-1", "pom-2"):
        cart_with(user, (pom_pack, 1))
        response = checkout(shopper_client, key=key, prescription_id=uploaded_prescription(user).pk)
        assert response.status_code == 201
        waiting.append(response.json()["number"])
    approved = pharmacist_client.post(f"{QUEUE_URL}{waiting[0]}/approve/", record(pom_pack.sku, units=84),
                                      format="json")
    assert approved.status_code == 200, approved.content

    # when
    samples = scrape()

    # then
    orders = {dict(labels)["status"]: value for (name, labels), value in samples.items() if name == "pharmacy_orders"}
    assert orders == {"awaiting_payment": 0, "awaiting_review": 1, "approved": 2, "dispatched": 0, "delivered": 0,
                      "rejected": 0, "cancelled": 0}
    assert samples[("pharmacy_review_queue_length", ())] == 1
    assert 0 < samples[("pharmacy_review_queue_oldest_age_seconds", ())] < 120
    outbox = {dict(labels)["status"]: value for (name, labels), value in samples.items()
              if name == "pharmacy_outbox_messages"}
    assert outbox == {status: OutboxMessage.objects.filter(status=status).count() for status in OutboxStatus.values}
    assert outbox["pending"] >= 4  # three confirmations and an approval, not sent in this test's transaction


def test_pharmacy_gauges_read_zero_on_an_empty_shop(metrics_token):
    samples = scrape()

    assert samples[("pharmacy_review_queue_length", ())] == 0
    assert samples[("pharmacy_review_queue_oldest_age_seconds", ())] == 0
    assert samples[("pharmacy_orders", (("status", "approved"),))] == 0


def test_pharmacy_gauges_count_catalog_import_runs_by_outcome(metrics_token, tmp_path):
    from catalog.models import ImportRun
    from tests.builders.catalog import GOOD_FILE, failed_import, pack_row, run_import, write_csv

    run_import(write_csv(tmp_path, GOOD_FILE))
    failed_import(write_csv(tmp_path, [pack_row(price="twelve")], name="bad.csv"))

    samples = scrape()

    runs = {dict(labels)["outcome"]: value for (name, labels), value in samples.items()
            if name == "pharmacy_catalog_import_runs"}
    assert runs == {"imported": 1, "dry_run": 0, "invalid": 1, "refused": 0}
    imported_at = ImportRun.objects.get(outcome="imported").finished_at.timestamp()
    last = "pharmacy_catalog_import_last_finished_timestamp_seconds"
    assert samples[(last, (("outcome", "imported"),))] == pytest.approx(imported_at)
    assert samples[(last, (("outcome", "refused"),))] == 0


def test_pharmacy_gauges_count_payments_by_status_and_the_money_held(
        metrics_token, user, gsl_pack, pom_pack, django_capture_on_commit_callbacks):
    from checkout.services import place_order
    from payments.gateways.test import DECLINED_CARDS, SUCCESS_CARD
    from payments.services import authorise_order
    from tests.builders.orders import details

    def pay(key, card, *lines, prescription=None):
        with django_capture_on_commit_callbacks(execute=True):
            order = place_order(user=user, cart=cart_with(user, *lines), details=details(), idempotency_key=key,
                                prescription=prescription, awaiting_payment=True)
            authorise_order(order=order, payment_method=card, attempt_key=key)
        return order

    # a prescription order: authorised, held until the pharmacist approves; a general-sale one declined
    held_order = pay("pom", SUCCESS_CARD, (pom_pack, 1), prescription=uploaded_prescription(user))
    pay("declined", DECLINED_CARDS[1], (gsl_pack, 2))

    samples = scrape()

    payments = {dict(labels)["status"]: value for (name, labels), value in samples.items()
                if name == "pharmacy_payments"}
    assert payments == {"pending": 0, "requires_action": 0, "authorised": 1, "captured": 0, "voided": 0,
                        "refunded": 0, "failed": 1}
    assert samples[("pharmacy_payments_authorised_amount", (("currency", "GBP"),))] == float(held_order.total_amount)
