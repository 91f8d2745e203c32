"""Confirmation, order history, order detail with leaflet revisions and status history, cancellation."""

import uuid

import pytest
from django.urls import reverse

from catalog.models import Pack
from checkout.services import place_order
from dispensing.approval import approve_order, reject_order
from orders.models import Order, OrderEvent, OrderStatus
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PackFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def place(user, *pack_quantities, prescription=None) -> Order:
    cart = cart_with(user, *pack_quantities)
    return place_order(user=user, cart=cart, details=details(), idempotency_key=str(uuid.uuid4()),
                       prescription=prescription)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_confirmation_page_shows_the_order_and_what_happens_next(signed_in, user, pom_pack):
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user))

    response = signed_in.get(reverse("orders:order-confirmation", args=[order.number]))

    html = response.content.decode()
    assert f"<title>Order {order.number} received · " in html
    assert "Awaiting pharmacist review" in html
    assert "Our pharmacist will check your prescription before anything is dispensed." in html
    assert pom_pack.display_name in html


def test_order_detail_shows_lines_totals_leaflet_revisions_and_history_by_role(
    signed_in, user, pom_pack, gsl_pack, pharmacist
):
    order = place(user, (pom_pack, 1), (gsl_pack, 2), prescription=uploaded_prescription(user))
    record = dispensing_record((pom_pack, 84))
    approve_order(order=order, pharmacist=pharmacist, record=record, note="Checked.")

    response = signed_in.get(order.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>Order {order.number} · " in html
    assert '<strong class="status status-approved" id="order-status">Approved</strong>' in html
    for line in order.lines.select_related("leaflet_revision"):
        pdf_url = reverse("catalog:leaflet-pdf", kwargs={"revision_id": line.leaflet_revision_id})
        assert f'<a href="{pdf_url}">Leaflet revision {line.leaflet_revision.number} (PDF)' in html
    assert "£19.48" in html  # 12.50 + 2 × 3.49
    history = [(row["status"], row["role"], row["reason"]) for row in response.context["history"]]
    assert history == [
        ("Awaiting pharmacist review", "You", "Awaiting pharmacist review of the prescription."),
        ("Approved", "Pharmacist", "Approved by our pharmacist."),  # never the pharmacist's note
    ]
    assert "Checked." not in html
    assert pharmacist.email not in html and pharmacist.full_name not in html
    assert reverse("orders:order-cancel", args=[order.number]) in html


def test_order_detail_shows_the_chosen_rejection_reason_and_no_cancel_button(signed_in, user, pom_pack, pharmacist):
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user))
    reject_order(order=order, pharmacist=pharmacist, reason="speak_to_prescriber",
                 note="The prescription is for someone else.")

    html = signed_in.get(order.get_absolute_url()).content.decode()

    assert "Not supplied: We need to speak to your prescriber before we can supply this." in html
    assert "The prescription is for someone else." not in html  # the note is for staff only
    assert reverse("orders:order-cancel", args=[order.number]) not in html


@pytest.mark.parametrize("url_name", ["orders:order-detail", "orders:order-confirmation",
                                      "orders:order-cancel"])
def test_another_shoppers_order_is_not_found(signed_in, gsl_pack, url_name):
    order = place(UserFactory(), (gsl_pack, 1))

    assert signed_in.get(reverse(url_name, args=[order.number])).status_code == 404
    assert signed_in.post(reverse(url_name, args=[order.number])).status_code in (404, 405)
    assert Order.objects.get().status == OrderStatus.APPROVED


@pytest.mark.parametrize("number", ["PH-NOPE", "x" * 500, "' OR 1=1 --", "%E2%80%AE"])
def test_unknown_order_numbers_are_not_found(signed_in, number):
    assert signed_in.get(f"/orders/{number}/").status_code == 404


def test_order_pages_ask_guests_to_sign_in(client, gsl_pack):
    order = place(UserFactory(), (gsl_pack, 1))

    for url in (reverse("orders:order-list"), order.get_absolute_url(),
                reverse("orders:order-cancel", args=[order.number])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_cancel_asks_first_then_cancels_and_returns_the_stock(signed_in, user, gsl_pack):
    order = place(user, (gsl_pack, 4))
    url = reverse("orders:order-cancel", args=[order.number])

    ask = signed_in.get(url)
    assert f"<title>Cancel order {order.number}? · " in ask.content.decode()
    assert Order.objects.get().status == OrderStatus.APPROVED

    response = signed_in.post(url, {"reason": "Ordered twice by mistake."}, follow=True)

    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert f"Order {order.number} is cancelled." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Pack.objects.get(pk=gsl_pack.pk).stock_quantity == 100
    last = OrderEvent.objects.filter(order=order).last()
    assert (last.to_status, last.actor, last.reason) == ("cancelled", user, "Ordered twice by mistake.")


def test_cancelling_a_dispatched_order_is_refused_with_a_message(signed_in, user, gsl_pack):
    from dispensing.approval import dispatch_order

    order = place(user, (gsl_pack, 1))
    dispatch_order(order=order, actor=StaffFactory())

    response = signed_in.post(reverse("orders:order-cancel", args=[order.number]), follow=True)

    assert f"Order {order.number} is dispatched and can no longer be cancelled." in response.content.decode()
    assert Order.objects.get().status == OrderStatus.DISPATCHED
    asked = signed_in.get(reverse("orders:order-cancel", args=[order.number]), follow=True)
    assert asked.redirect_chain == [(order.get_absolute_url(), 302)]


def test_cancel_with_an_overlong_reason_is_shown_and_changes_nothing(signed_in, user, gsl_pack):
    order = place(user, (gsl_pack, 1))

    response = signed_in.post(reverse("orders:order-cancel", args=[order.number]), {"reason": "x" * 501})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Order.objects.get().status == OrderStatus.APPROVED


def test_order_list_is_paginated_newest_first(signed_in, user, gsl_pack):
    orders = [place(user, (gsl_pack, 1)) for _ in range(12)]

    first = signed_in.get(reverse("orders:order-list"))
    second = signed_in.get(reverse("orders:order-list") + "?page=2")
    beyond = signed_in.get(reverse("orders:order-list") + "?page=99999999999999999999")
    junk = signed_in.get(reverse("orders:order-list") + "?page=abc")

    newest_first = [order.number for order in reversed(orders)]
    assert [order.number for order in first.context["orders"]] == newest_first[:10]
    assert [order.number for order in second.context["orders"]] == newest_first[10:]
    assert beyond.context["page_obj"].number == 2 and junk.context["page_obj"].number == 1
    assert '<a href="?page=2" rel="next">Older orders</a>' in first.content.decode()
    assert '<a href="?page=1" rel="prev">Newer orders</a>' in second.content.decode()


def test_order_list_shows_only_the_shoppers_orders(signed_in, user, gsl_pack):
    mine = place(user, (gsl_pack, 1))
    place(UserFactory(), (gsl_pack, 1))

    response = signed_in.get(reverse("orders:order-list"))

    assert [order.number for order in response.context["orders"]] == [mine.number]


@pytest.mark.parametrize("order_count", [1, 8])
def test_order_list_queries_do_not_grow_with_orders(client, django_assert_num_queries, order_count):
    user = UserFactory()
    for _ in range(order_count):
        place(user, (PackFactory(), 1), (PackFactory(), 2))
    client.force_login(user)

    # session, user, count, orders, lines, events (with actors), clinical alerts, payments
    with django_assert_num_queries(8):
        response = client.get(reverse("orders:order-list"))

    assert len(response.context["orders"]) == order_count


@pytest.mark.parametrize("line_count", [1, 6])
def test_order_detail_and_confirmation_queries_do_not_grow_with_lines(
    client, django_assert_num_queries, line_count
):
    user = UserFactory()
    packs = [PackFactory() for _ in range(line_count)]
    order = place(user, *[(pack, 1) for pack in packs])
    from orders.services import cancel_order

    cancel_order(order=order, actor=StaffFactory(), reason="Out of area.")
    client.force_login(user)

    # session, user, order (with prescription), lines (with leaflet revisions), events (with actors),
    # clinical alerts, payments
    with django_assert_num_queries(7):
        client.get(order.get_absolute_url())
    with django_assert_num_queries(7):
        client.get(reverse("orders:order-confirmation", args=[order.number]))
