"""The storefront's health record pages: list, add, edit and remove, without JavaScript, errors shown
next to their field; and the checkout's choice of a saved record."""

import datetime

import pytest
from django.urls import reverse

from orders.models import Order
from patients.models import Patient
from tests.builders.patients import child_record, ingredients

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_the_shoppers_records_and_links_them(signed_in, user):
    child = child_record(user)
    html = signed_in.get(reverse("patients:record-list")).content.decode()
    assert f"{user.full_name} (you)" in html and "Sam Carer" in html
    assert reverse("patients:record-edit", args=[child.pk]) in html
    assert reverse("patients:record-remove", args=[child.pk]) in html
    assert 'href="/health-records/"' in html  # the account area's navigation


def test_a_shopper_adds_a_child_with_checkboxes_and_known_ingredients(signed_in, user):
    ingredients("Salbutamol", "Ibuprofen")
    form_html = signed_in.get(reverse("patients:record-add")).content.decode()
    assert 'type="checkbox" name="conditions" value="stomach_ulcer"' in form_html
    assert '<option value="Salbutamol">Salbutamol</option>' in form_html
    assert '<label for="id_other_medicines_text">' in form_html
    response = signed_in.post(reverse("patients:record-add"), {
        "name": "Sam Carer", "date_of_birth": "2015-04-01", "sex": "male", "conditions": ["asthma", "epilepsy"],
        "allergy_classes": ["nsaids"], "other_medicines": ["Salbutamol"], "other_medicines_text": "Brown inhaler",
    })
    assert response.status_code == 302
    sam = Patient.objects.get(owner=user, name="Sam Carer")
    assert (sam.conditions, sam.allergy_classes, sam.date_of_birth) == (
        ["asthma", "epilepsy"], ["nsaids"], datetime.date(2015, 4, 1))
    assert [i.name for i in sam.other_medicines.all()] == ["Salbutamol"]


def test_a_refusal_is_shown_next_to_its_field_and_in_the_summary(signed_in, user):
    response = signed_in.post(reverse("patients:record-add"), {"name": "Sam", "sex": "male", "pregnant": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'href="#id_pregnant"' in html
    assert "Pregnancy can be recorded only for a female patient" in html
    assert not Patient.objects.filter(owner=user, name="Sam").exists()


def test_a_shopper_edits_their_own_record(signed_in, user):
    own = Patient.objects.get(owner=user, is_account_holder=True)
    form_html = signed_in.get(reverse("patients:record-edit", args=[own.pk])).content.decode()
    assert 'value="1980-05-17"' in form_html
    response = signed_in.post(reverse("patients:record-edit", args=[own.pk]), {
        "name": own.name, "date_of_birth": "1980-05-17", "conditions": ["stomach_ulcer"]})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.conditions == ["stomach_ulcer"]


def test_a_shopper_removes_a_childs_record_but_not_their_own(signed_in, user):
    child = child_record(user)
    assert signed_in.post(reverse("patients:record-remove", args=[child.pk])).status_code == 302
    assert not Patient.objects.filter(pk=child.pk).exists()
    own = Patient.objects.get(owner=user, is_account_holder=True)
    response = signed_in.post(reverse("patients:record-remove", args=[own.pk]))
    assert response.status_code == 200 and "stays with your account" in response.content.decode()


def test_the_checkout_offers_saved_records_and_orders_for_the_one_chosen(signed_in, user, gsl_pack):
    from tests.builders.orders import cart_with

    child = child_record(user)
    cart_with(user, (gsl_pack, 1))
    page = signed_in.get(reverse("checkout:checkout"))
    html = page.content.decode()
    assert f'name="patient_record" value="{child.pk}"' in html
    key = page.context["form"]["idempotency_key"].value()
    response = signed_in.post(reverse("checkout:checkout"), {
        "idempotency_key": key, "full_name": "Ada", "email": "ada@example.org", "phone": "07700 900123",
        "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA", "patient_for": "me",
        "patient_record": str(child.pk),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(user=user)
    assert (order.patient_record, order.patient_name, order.patient_is_account_holder) == (child, "Sam Carer", False)


def test_the_checkout_asks_for_a_missing_date_of_birth_at_its_field(client):
    from tests.builders.orders import cart_with
    from tests.factories import PackFactory, ProductFactory, UserFactory

    user = UserFactory(health_record=False)
    client.force_login(user)
    cart_with(user, (PackFactory(product=ProductFactory(legal_category="pharmacy"), sku="P-ONLY-1"), 1))
    page = client.get(reverse("checkout:checkout"))
    response = client.post(reverse("checkout:checkout"), {
        "idempotency_key": page.context["form"]["idempotency_key"].value(), "full_name": "Ada",
        "email": "ada@example.org", "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds",
        "postcode": "LS1 1AA", "patient_for": "me",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["patient_date_of_birth"][0].startswith("Enter the patient's date of birth")
    assert not Order.objects.exists()


def test_the_form_offers_brands_and_groups_and_records_them_as_ingredients_and_groups(signed_in, user):
    ingredients("Ibuprofen", "Warfarin sodium")
    form_html = signed_in.get(reverse("patients:record-add")).content.decode()
    assert '<option value="Nurofen">Nurofen</option>' in form_html
    assert '<option value="NSAIDs">NSAIDs</option>' in form_html

    response = signed_in.post(reverse("patients:record-add"), {
        "name": "Sam Carer", "date_of_birth": "1950-04-01", "sex": "male",
        "allergy_ingredients": ["NSAIDs"], "other_medicines": ["Nurofen", "Marevan"],
    })

    assert response.status_code == 302
    sam = Patient.objects.get(owner=user, name="Sam Carer")
    assert sam.allergy_classes == ["nsaids"] and not sam.allergy_ingredients.exists()
    assert sorted(i.name for i in sam.other_medicines.all()) == ["Ibuprofen", "Warfarin sodium"]
