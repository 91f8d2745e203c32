"""What checkout's payment step costs in queries, pinned: a checkout's time is mostly its queries
(bench/bench_checkout.py), so one more should be a decision. The constant-in-lines test is in
test_api.py; the after-commit hand-overs (settlement, the confirmation) are not counted."""

import pytest

from checkout.services import place_order
from payments.models import PaymentStatus
from payments.services import authorise_order
from safeguards.models import FlagKind, OrderFlag
from tests.builders.orders import cart_with, details
from tests.builders.payments import checkout

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"


@pytest.mark.usefixtures("warning_rules", "safeguards_cache")
def test_authorising_checkout_card_runs_a_fixed_number_of_queries(user, other_user, gsl_pack, payments_on,
                                                                   django_assert_num_queries):
    # Another account paid with the same card, to the same address: the measured payment reads and flags it.
    checkout(other_user, (gsl_pack, 1), payment_method=CARD, key="first")
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 2)), details=details(), idempotency_key="k",
                        awaiting_payment=True)

    # Whether the order was paid before (the cart was emptied the first time) is read with the payment's
    # lock, and whether an unconfirmed attempt is to be replaced with the attempt's own read.
    with django_assert_num_queries(21):
        payment = authorise_order(order=order, payment_method=CARD, attempt_key="k", actor=user)

    assert payment.status == PaymentStatus.AUTHORISED
    assert OrderFlag.objects.filter(order=order, kind=FlagKind.SHARED_CARD).exists()
