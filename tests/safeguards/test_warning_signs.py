"""Warning signs: several accounts ordering to one address, or giving one phone number (or, once paid,
one card), within the configured window."""

import pytest

from orders.models import OrderStatus
from safeguards import contacts
from safeguards.models import FlagKind, OrderContact, OrderFlag, WarningSignKind, WarningSignRule
from safeguards.services import record_card_fingerprint
from tests.builders.safeguards import backdate, place
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warning_rules")]


def test_a_second_account_ordering_to_the_same_address_written_differently_is_flagged(user, other_user, para16):
    first = place(other_user, (para16, 1), address_line1="12 High St", postcode="sw1a1aa", phone="01632 960001")

    second = place(user, (para16, 1), address_line1="12 high street", postcode="SW1A 1AA", phone="01632 960002")

    assert second.status == OrderStatus.APPROVED  # a flag informs the pharmacist; it blocks nothing
    flag = OrderFlag.objects.get(order=second)
    assert flag.kind == FlagKind.SHARED_ADDRESS
    assert flag.message == (f"2 accounts ordered to 12 high street, SW1A 1AA in the last 90 days "
                            f"(other orders: {first.number}).")
    assert flag.details == {"accounts": 2, "window_days": 90, "other_orders": [first.number]}
    assert not OrderFlag.objects.filter(order=first).exists()


def test_a_second_account_with_the_same_phone_number_is_flagged(user, other_user, para16):
    first = place(other_user, (para16, 1), address_line1="1 Mill Lane", postcode="LS1 1AA", phone="07700 900123")

    second = place(user, (para16, 1), address_line1="9 Quay Road", postcode="BS1 4DJ", phone="+44 7700 900123")

    flag = OrderFlag.objects.get(order=second)
    assert (flag.kind, flag.details["other_orders"]) == (FlagKind.SHARED_PHONE, [first.number])
    assert "gave the phone number +44 7700 900123" in flag.message


def test_one_account_ordering_again_and_accounts_outside_the_window_are_not_flagged(user, other_user, para16):
    backdate(place(other_user, (para16, 1), key="old"), days=91)
    place(user, (para16, 1), key="a")

    again = place(user, (para16, 1), key="b")

    assert not OrderFlag.objects.exists()
    assert again.status == OrderStatus.APPROVED


def test_each_kind_counts_the_contacts_within_its_own_window(user, other_user, para16):
    WarningSignRule.objects.filter(kind=WarningSignKind.SHARED_PHONE).update(window_days=7)
    both = dict(address_line1="1 Mill Lane", postcode="LS1 1AA", phone="07700 900123")
    ten_days = place(other_user, (para16, 1), key="ten days", **both)
    yesterday = place(UserFactory(), (para16, 1), key="yesterday", **both)
    backdate(ten_days, days=10)
    backdate(yesterday, days=1)

    latest = place(user, (para16, 1), key="latest", **both)

    flags = {flag.kind: flag.details for flag in OrderFlag.objects.filter(order=latest)}
    assert flags == {
        FlagKind.SHARED_ADDRESS: {"accounts": 3, "window_days": 90,
                                  "other_orders": [ten_days.number, yesterday.number]},
        FlagKind.SHARED_PHONE: {"accounts": 2, "window_days": 7, "other_orders": [yesterday.number]},
    }


def test_the_admin_threshold_and_switch_decide(user, other_user, para16):
    WarningSignRule.objects.filter(kind=WarningSignKind.SHARED_ADDRESS).update(accounts=3)
    WarningSignRule.objects.filter(kind=WarningSignKind.SHARED_PHONE).update(is_active=False)
    place(other_user, (para16, 1))

    place(user, (para16, 1))

    assert not OrderFlag.objects.exists()


def test_a_card_used_by_a_second_account_is_flagged_once(user, other_user, para16):
    first = place(other_user, (para16, 1), address_line1="1 Mill Lane", postcode="LS1 1AA", phone="01632 960001")
    second = place(user, (para16, 1), address_line1="9 Quay Road", postcode="BS1 4DJ", phone="01632 960002")
    assert record_card_fingerprint(order=first, fingerprint="fp_visa_4242") is None

    flag = record_card_fingerprint(order=second, fingerprint="fp_visa_4242")

    assert (flag.kind, flag.details["other_orders"]) == (FlagKind.SHARED_CARD, [first.number])
    assert record_card_fingerprint(order=second, fingerprint="fp_visa_4242") is None  # a retried payment
    assert OrderFlag.objects.filter(order=second).count() == 1


def test_a_paid_order_without_contact_keys_gets_them_with_its_card(user, other_user, para16):
    first = place(other_user, (para16, 1), address_line1="1 Mill Lane", postcode="LS1 1AA", phone="01632 960001")
    record_card_fingerprint(order=first, fingerprint="fp_visa_4242")
    second = place(user, (para16, 1), address_line1="9 Quay Road", postcode="BS1 4DJ", phone="01632 960002")
    OrderContact.objects.filter(order=second).delete()  # an order placed before safeguards recorded contacts

    flag = record_card_fingerprint(order=second, fingerprint="fp_visa_4242")

    contact = OrderContact.objects.get(order=second)
    assert (contact.user_id, contact.card_fingerprint, contact.created_at) == (user.pk, "fp_visa_4242",
                                                                               second.created_at)
    assert (contact.address_key, contact.phone_key) == ("BS1 4DJ|9 quay road", "01632960002")
    assert (flag.kind, flag.details["other_orders"]) == (FlagKind.SHARED_CARD, [first.number])


def test_a_card_shared_by_many_accounts_reads_only_its_most_recent_payments(user, para16, monkeypatch):
    monkeypatch.setattr(contacts, "CONTACTS_READ", 2)
    monkeypatch.setattr(contacts, "_PAYING_WITH", contacts.compiled_paying_with())  # its SQL holds the limit
    earlier = []
    for days in (30, 20, 10):
        shopper = UserFactory()
        order = place(shopper, (para16, 1), address_line1=f"{days} Mill Lane", postcode="LS1 1AA",
                      phone=f"01632 9600{days}")
        record_card_fingerprint(order=order, fingerprint="fp_shared")
        backdate(order, days=days)
        earlier.append(order)
    order = place(user, (para16, 1), address_line1="9 Quay Road", postcode="BS1 4DJ", phone="01632 960002")

    flag = record_card_fingerprint(order=order, fingerprint="fp_shared")

    assert flag.details["other_orders"] == [earlier[1].number, earlier[2].number]  # oldest first, of the newest two
    assert flag.details["accounts"] == 3
