"""Schemathesis (v4) against the live schema: every operation, with positive and negative data,
signed in as a shopper and as a pharmacist; the coverage phase (boundary values of every field) on the
shopper's richest writes. Exit code 0 means no server error and no
response that breaks the schema (status codes, content types, headers, bodies) on any of them.

Runs everywhere (it needs only the live test server). Set SCHEMATHESIS_SEED to replay a failing run;
each run prints its seed.
"""

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from knox.models import AuthToken

from cart.services import add_to_cart, get_or_create_user_cart
from tests.builders.api import baclofen_packs
from tests.builders.orders import uploaded_prescription
from tests.factories import PackFactory, PharmacistFactory, UserFactory
from tests.otp import verified_token

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).parent / "st"
# positive_data_acceptance expects every schema-valid request to succeed; this API rightly refuses some
# (an e-mail already registered, an unknown SKU, checkout of an empty cart), each with a documented 4xx.
CHECKS = ["--checks=all", "--exclude-checks=positive_data_acceptance"]
# Signing out (this device, or everywhere) would revoke the token the rest of the run uses; they get
# runs of their own below.
SIGN_OUT = "auth_token_destroy"
SIGN_OUT_EVERYWHERE = "auth_token_all_destroy"
PHARMACIST_PATHS = "^/api/v1/pharmacist/"
# The writes whose boundary values are tried, in two runs of similar length that xdist can give to two
# processes: the run that lasts longest is what the whole suite waits for at its end.
BOUNDARY_PATHS = {
    "checkout-and-reorders": "^/api/v1/(checkout/|prescriptions/[^/]+/reorder/)",
    "payments-and-health-records": "^/api/v1/(patients/|orders/[^/]+/payments/)",
}


def run_schemathesis(live_server, tmp_path, token: str, *options: str) -> subprocess.CompletedProcess:
    seed = os.environ.get("SCHEMATHESIS_SEED")
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_server.url}/api/schema/",
        *CHECKS,
        "--workers=1",  # more crash on Python 3.11.7 (CPython gh-106905)
        "--request-timeout=30",
        "--generation-database=none",
        "--no-color",
        f"--header=Authorization: Token {token}",
        *([f"--seed={seed}"] if seed else []),
        *options,
    ]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)


def assert_passed(result: subprocess.CompletedProcess) -> None:
    """No failure, and every operation the run selected was tested: the examples per operation are few, so
    an operation that got none would otherwise pass unseen."""
    report = result.stdout[-15_000:] + result.stderr[-3_000:]
    assert result.returncode == 0, report
    selected = re.search(r"Selected: (\d+)/\d+", result.stdout)
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert selected and tested and tested.group(1) == selected.group(1), report


@pytest.fixture
def shop(pharmacists_group):
    """Something to find, buy and review: the Baclofen packs, a general-sale pack in the shopper's
    cart, and an uploaded prescription; stock high enough for every checkout the run makes."""
    packs = baclofen_packs()
    gsl = PackFactory(stock_quantity=100_000, price_amount=Decimal("3.49"))
    shopper, pharmacist = UserFactory(), PharmacistFactory()
    add_to_cart(cart=get_or_create_user_cart(user=shopper), pack=gsl, quantity=1)
    uploaded_prescription(shopper)
    return {"packs": packs, "shopper": shopper, "pharmacist": pharmacist}


def test_schemathesis_finds_no_server_error_or_schema_violation_as_a_shopper(live_server, tmp_path, shop):
    _, token = AuthToken.objects.create(user=shop["shopper"])

    assert_passed(
        run_schemathesis(
            # Generated examples, fuzzing and the stateful links on every operation. The coverage phase
            # (boundary values of every parameter) takes two minutes over all of them, more than the
            # suite's 15-minute budget allows: it runs on the richest writes, below.
            live_server, tmp_path, token, "--max-examples=5", "--phases=examples,fuzzing,stateful",
            f"--exclude-operation-id={SIGN_OUT}", f"--exclude-operation-id={SIGN_OUT_EVERYWHERE}",
        )
    )


@pytest.mark.parametrize("paths", BOUNDARY_PATHS.values(), ids=BOUNDARY_PATHS.keys())
def test_schemathesis_boundary_values_of_checkout_payments_and_health_records_find_no_server_error(
        live_server, tmp_path, shop, paths):
    # The coverage phase on the writes with the richest input (checkout, payments, reorders, health
    # records): boundary and malformed values of every field. Over every write it takes a minute and a half.
    _, token = AuthToken.objects.create(user=shop["shopper"])

    assert_passed(
        run_schemathesis(
            live_server, tmp_path, token, "--phases=coverage", "--include-method-regex=^(POST|PUT|PATCH)$",
            f"--include-path-regex={paths}",
        )
    )


def test_schemathesis_finds_no_server_error_or_schema_violation_as_a_pharmacist(live_server, tmp_path, shop):
    # The pharmacist's own endpoints. The shopper's run above already covers every other operation (a
    # staff token takes the same code paths there), and the suite must stay under 15 minutes.
    _, token = verified_token(shop["pharmacist"])  # issued with a TOTP code, as the review endpoints need

    assert_passed(
        run_schemathesis(live_server, tmp_path, token, "--max-examples=5", "--phases=examples,fuzzing,stateful",
                         f"--include-path-regex={PHARMACIST_PATHS}")
    )


@pytest.mark.parametrize("operation", [SIGN_OUT, SIGN_OUT_EVERYWHERE])
def test_schemathesis_on_sign_out(live_server, tmp_path, shop, operation):
    _, token = AuthToken.objects.create(user=shop["shopper"])

    assert_passed(
        run_schemathesis(
            live_server, tmp_path, token, "--max-examples=5", f"--include-operation-id={operation}"
        )
    )
