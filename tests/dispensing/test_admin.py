"""Issue 8.2 and 8.5 in the admin: 'original received', the responsible-pharmacist buttons, and the
prescription register view and CSV export (pharmacists and superintendents only)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.models import PharmacistProfile, RegisterEntry
from dispensing.originals import record_electronic_verified
from dispensing.services import current_responsible_pharmacist, sign_out_as_responsible_pharmacist
from orders.models import Order, OrderStatus
from prescriptions.models import PrescriptionSource
from tests.builders.dispensing import supply
from tests.builders.orders import (
    PRESCRIBER_ADDRESS,
    cart_with,
    details,
    dispensing_record,
    eps_id,
    uploaded_prescription,
)
from tests.factories import PackFactory, PharmacistFactory, ProductFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def approved_order(user, pom_pack, pharmacist):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    return approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))




def test_pharmacist_records_the_original_received_in_the_admin(client, pharmacist, approved_order):
    client.force_login(pharmacist)
    url = reverse("admin:prescriptions_prescription_original", args=[approved_order.prescription_id])
    assert client.get(url).status_code == 200

    response = client.post(url, {"_original": "1", "original-matches": "yes", "original-note": "Paper, signed."})

    assert response.status_code == 302
    prescription = approved_order.prescription
    prescription.refresh_from_db()
    assert (prescription.source, prescription.original_matches, prescription.original_received_by) == (
        PrescriptionSource.PAPER, True, pharmacist)
    assert dispatch_order(order=approved_order, actor=StaffFactory()).status == OrderStatus.DISPATCHED


def test_admin_original_mismatch_reopens_the_review(client, pharmacist, approved_order):
    client.force_login(pharmacist)
    url = reverse("admin:prescriptions_prescription_original", args=[approved_order.prescription_id])
    client.post(url, {"_original": "1", "original-matches": "no", "original-note": "Different strength."})
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.AWAITING_REVIEW


def test_order_admin_shows_waiting_for_the_original(client, pharmacist, approved_order):
    client.force_login(pharmacist)
    page = client.get(reverse("admin:orders_order_change", args=[approved_order.pk])).content.decode()
    assert "Waiting for the original: cannot be dispatched." in page


def test_pharmacist_signs_in_and_out_as_responsible_pharmacist_in_the_admin(client, pharmacist):
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    client.force_login(pharmacist)
    changelist = reverse("admin:dispensing_responsiblepharmacistlog_changelist")
    assert "No responsible pharmacist is signed in" in client.get(changelist).content.decode()

    client.post(reverse("admin:dispensing_responsiblepharmacistlog_sign_in"))
    assert current_responsible_pharmacist().pharmacist == pharmacist
    assert "Sign out as responsible pharmacist" in client.get(changelist).content.decode()

    client.post(reverse("admin:dispensing_responsiblepharmacistlog_sign_out"))
    assert current_responsible_pharmacist() is None


def test_administrator_creates_a_pharmacist_profile_with_a_validated_registration_number(admin_client):
    user = UserFactory(is_staff=True)
    add = reverse("admin:dispensing_pharmacistprofile_add")
    response = admin_client.post(add, {"user": user.pk, "registration_number": "12345"})
    assert response.status_code == 200
    assert "7-digit GPhC registration number" in response.content.decode()
    assert not PharmacistProfile.objects.exists()

    admin_client.post(add, {"user": user.pk, "registration_number": "2071234", "is_superintendent": "on"})
    profile = PharmacistProfile.objects.get()
    assert profile.registration_number == "2071234"
    assert user.groups.filter(name="Superintendent pharmacists").exists()


def test_register_view_lists_supplies_and_filters_by_medicine_and_date(client, user, pom_pack, pharmacist):
    other = PackFactory(product=ProductFactory(name="Otherol tablets", slug="otherol", legal_category="prescription"),
                        sku="OTH-1-28", pack_size=28, stock_quantity=10)
    supply(user, pom_pack, pharmacist, key="a", units=84)
    supply(user, other, pharmacist, key="b", units=28)
    client.force_login(pharmacist)
    url = reverse("admin:dispensing_registerentry_changelist")

    everything = client.get(url)
    assert everything.status_code == 200
    assert [entry.medicine for entry in everything.context["cl"].result_list] == ["Otherol tablets",
                                                                                  "Presolol tablets"]
    filtered = client.get(url, {"medicine": "presolol"})
    assert [entry.medicine for entry in filtered.context["cl"].result_list] == ["Presolol tablets"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert list(client.get(url, {"date_from": tomorrow}).context["cl"].result_list) == []


def test_register_csv_export_has_one_row_per_supplied_line(client, user, pom_pack, pharmacist):
    order = supply(user, pom_pack, pharmacist, key="a", units=84)
    client.force_login(pharmacist)

    response = client.get(reverse("admin:dispensing_registerentry_csv"), {"medicine": "presolol"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["Patient"], row["Prescriber"], row["Medicine"], row["Quantity"], row["Batch"]) == (
        order.patient_display_name, "Dr Grace Prescriber", "Presolol tablets", "84",
        f"B-PRES-10-84 (exp. {order.lines.get().batches.get().expiry_date:%Y-%m-%d})")
    assert row["Pharmacist registration"] == pharmacist.pharmacist_profile.registration_number
    assert row["Prescriber address"] == PRESCRIBER_ADDRESS  # required at approval, so never blank


def test_register_csv_quotes_cells_a_spreadsheet_would_run_as_formulas(client, user, pom_pack, pharmacist):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="a",
                        prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))
    record_electronic_verified(prescription=order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(order.prescription))
    # Names and addresses come from shoppers: a tab or carriage return before a formula is a formula too.
    Order.objects.filter(pk=order.pk).update(patient_name="\t=HYPERLINK(\"x\")", address_line1="\r@SUM(A1)",
                                             address_line2="", city="", postcode="", country="")
    order.refresh_from_db()
    dispatch_order(order=order, actor=StaffFactory())
    client.force_login(pharmacist)

    response = client.get(reverse("admin:dispensing_registerentry_csv"))

    row = next(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert (row["Patient"], row["Patient address"]) == ("'\t=HYPERLINK(\"x\")", "'\r@SUM(A1)")


def test_register_is_not_visible_to_staff_without_the_permission(client, user, pom_pack, pharmacist):
    supply(user, pom_pack, pharmacist, key="a", units=84)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:dispensing_registerentry_changelist")).status_code == 403
    assert client.get(reverse("admin:dispensing_registerentry_csv")).status_code == 403
    assert RegisterEntry.objects.count() == 1


def test_register_has_no_edit_or_delete_in_the_admin(client, user, pom_pack, pharmacist):
    supply(user, pom_pack, pharmacist, key="a", units=84)
    entry = RegisterEntry.objects.get()
    client.force_login(PharmacistFactory(is_superuser=True))
    page = client.get(reverse("admin:dispensing_registerentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(reverse("admin:dispensing_registerentry_delete", args=[entry.pk]), {"post": "yes"}
                       ).status_code == 403
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()
