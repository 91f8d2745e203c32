"""Checkout and the health record: the order links to the record it is for, a P or POM medicine needs the
patient's date of birth (the checkout asks for it), and callers that name no record still work."""

import datetime
import uuid

import pytest
from django.urls import reverse

from checkout.services import place_order
from orders.exceptions import PatientDetailsRequired
from orders.models import Order
from patients.details import PatientDetails
from patients.exceptions import InvalidHealthRecord
from patients.models import Patient as HealthRecord
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import child_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def place(user, *packs, patient=None, key="k", prescription=None):
    return place_order(user=user, cart=cart_with(user, *packs), details=details(), idempotency_key=key,
                       prescription=prescription, patient=patient)


def test_a_prescription_medicine_needs_the_patients_date_of_birth_at_its_field(pom_pack):
    user = UserFactory(health_record=False)
    with pytest.raises(PatientDetailsRequired) as refusal:
        place(user, (pom_pack, 1), prescription=uploaded_prescription(user))
    assert refusal.value.field == "patient_date_of_birth"
    assert "Presolol" in refusal.value.message
    assert not Order.objects.exists()


def test_general_sale_needs_no_date_of_birth_and_links_the_account_holders_record(gsl_pack):
    user = UserFactory(health_record=False)
    order = place(user, (gsl_pack, 1))
    record = HealthRecord.objects.get(owner=user, is_account_holder=True)
    assert order.patient_record == record
    assert (order.patient_is_account_holder, order.patient_date_of_birth) == (True, None)


def test_a_date_given_at_checkout_fills_in_the_record(pom_pack):
    user = UserFactory(health_record=False)
    born = datetime.date(1970, 2, 3)
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user),
                  patient=PatientDetails(date_of_birth=born))
    assert order.patient_record.date_of_birth == born == order.patient_date_of_birth


def test_the_account_holders_date_of_birth_comes_from_their_record(user, pom_pack):
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user))
    record = HealthRecord.objects.get(owner=user, is_account_holder=True)
    assert order.patient_record == record
    assert order.patient_date_of_birth == record.date_of_birth is not None


def test_an_order_for_a_named_record_takes_its_name_and_date_of_birth(user, pom_pack):
    child = child_record(user, name="Sam Carer", date_of_birth=datetime.date(2012, 6, 1))
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user),
                  patient=PatientDetails(record_id=child.pk))
    assert order.patient_record == child
    assert (order.patient_name, order.patient_date_of_birth, order.patient_is_account_holder) == (
        "Sam Carer", datetime.date(2012, 6, 1), False)


ADULT_DATE_OF_BIRTH = datetime.date(1980, 1, 1)


def test_a_chosen_record_without_a_date_of_birth_takes_the_one_given_at_checkout(user, pom_pack):
    child = child_record(user, date_of_birth=None)
    order = place(user, (pom_pack, 1), prescription=uploaded_prescription(user),
                  patient=PatientDetails(record_id=child.pk, date_of_birth=datetime.date(2015, 4, 1)))
    child.refresh_from_db()
    assert child.date_of_birth == order.patient_date_of_birth == datetime.date(2015, 4, 1)


def test_the_api_checkout_refuses_an_adults_date_of_birth_for_a_childs_record(shopper_client, user, gsl_pack):
    child = child_record(user)  # born 2015-04-01
    cart_with(user, (gsl_pack, 1))
    response = shopper_client.post("/api/v1/checkout/", {
        "shipping": SHIPPING, "patient": {"record_id": child.pk, "date_of_birth": ADULT_DATE_OF_BIRTH.isoformat()},
    }, format="json", HTTP_IDEMPOTENCY_KEY="k")
    body = assert_problem(response, 422, "date_of_birth_differs_from_record", "patient_date_of_birth")
    assert f"/health-records/{child.pk}/" in body["detail"] and "01 April 2015" in body["detail"]
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2015, 4, 1)
    assert not Order.objects.exists()


def test_the_storefront_checkout_refuses_an_adults_date_of_birth_for_a_childs_record(client, user, gsl_pack):
    child = child_record(user)
    cart_with(user, (gsl_pack, 1))
    client.force_login(user)
    response = client.post(reverse("checkout:checkout"), {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA",
        "patient_for": "other", "patient_record": str(child.pk),
        "patient_date_of_birth": ADULT_DATE_OF_BIRTH.isoformat(),
    })
    assert response.status_code == 200
    errors = response.context["form"].errors["patient_date_of_birth"]
    assert "01 April 2015" in errors[0] and reverse("patients:record-edit", args=[child.pk]) in errors[0]
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2015, 4, 1)
    assert not Order.objects.exists()


def test_a_record_of_another_account_is_refused_as_not_found(user, other_user, gsl_pack):
    theirs = child_record(other_user)
    with pytest.raises(InvalidHealthRecord) as refusal:
        place(user, (gsl_pack, 1), patient=PatientDetails(record_id=theirs.pk))
    assert refusal.value.field == "patient_record"
    assert "could not find" in refusal.value.message


def test_a_person_named_without_a_record_gets_one_and_keeps_it(user, gsl_pack):
    sam = PatientDetails(name="Sam Carer", is_account_holder=False, date_of_birth=datetime.date(2015, 1, 2))
    first = place(user, (gsl_pack, 1), patient=sam, key="one")
    second = place(user, (gsl_pack, 1), patient=PatientDetails(name="sam carer", is_account_holder=False,
                                                         date_of_birth=datetime.date(2015, 1, 2)), key="two")
    assert first.patient_record == second.patient_record
    assert (first.patient_record.name, first.patient_record.is_account_holder) == ("Sam Carer", False)


def test_the_api_checkout_takes_a_record_id(shopper_client, user, gsl_pack):
    child = child_record(user)
    cart_with(user, (gsl_pack, 1))
    response = shopper_client.post("/api/v1/checkout/", {"shipping": SHIPPING, "patient": {"record_id": child.pk}},
                                   format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["patient"] == {"name": "Sam Carer", "date_of_birth": "2015-04-01", "is_account_holder": False}
    assert Order.objects.get(number=body["number"]).patient_record == child


def test_the_api_checkout_asks_for_a_missing_date_of_birth(api_client, pom_pack):
    user = UserFactory(health_record=False)
    api_client.force_authenticate(user)
    cart_with(user, (pom_pack, 1))
    prescription = uploaded_prescription(user)
    response = api_client.post("/api/v1/checkout/", {"shipping": SHIPPING, "prescription_id": prescription.pk},
                               format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert_problem(response, 422, "patient_details_required", "patient_date_of_birth")
