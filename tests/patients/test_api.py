"""/api/v1/patients/: the signed-in shopper's health records, read and written through the services."""

import pytest

from patients.models import Patient
from tests.builders.api import assert_problem
from tests.builders.patients import child_record, ingredients

pytestmark = pytest.mark.django_db

SAM = {"name": "Sam Carer", "date_of_birth": "2015-04-01", "sex": "male", "conditions": ["asthma"],
       "allergy_classes": ["penicillins"], "allergy_ingredients": ["ibuprofen"], "other_medicines": ["Salbutamol"],
       "other_medicines_text": "A brown inhaler"}


def test_the_list_starts_with_the_shoppers_own_record(shopper_client, user):
    body = shopper_client.get("/api/v1/patients/").json()
    assert [(item["name"], item["is_account_holder"]) for item in body] == [(user.full_name, True)]


def test_a_shopper_adds_reads_updates_and_removes_a_childs_record(shopper_client, user):
    ingredients("Ibuprofen", "Salbutamol")
    created = shopper_client.post("/api/v1/patients/", SAM, format="json")
    assert created.status_code == 201, created.content
    record = created.json()
    assert (record["is_account_holder"], record["allergy_ingredients"], record["other_medicines"]) == (
        False, ["Ibuprofen"], ["Salbutamol"])
    url = f"/api/v1/patients/{record['id']}/"
    assert shopper_client.get(url).json()["conditions"] == ["asthma"]

    updated = shopper_client.put(url, {**SAM, "conditions": ["asthma", "epilepsy"], "other_medicines": []},
                                 format="json")
    assert updated.status_code == 200
    assert (updated.json()["conditions"], updated.json()["other_medicines"]) == (["asthma", "epilepsy"], [])

    assert shopper_client.delete(url).status_code == 204
    assert not Patient.objects.filter(pk=record["id"]).exists()


def test_a_rule_refusal_is_a_422_naming_the_field(shopper_client):
    response = shopper_client.post("/api/v1/patients/", {**SAM, "allergy_ingredients": [], "other_medicines": [],
                                                         "pregnant": True}, format="json")
    assert_problem(response, 422, "invalid_health_record", "pregnant")


def test_an_unknown_code_is_a_400(shopper_client):
    response = shopper_client.post("/api/v1/patients/", {"name": "Sam", "conditions": ["gout"]}, format="json")
    assert_problem(response, 400)


def test_the_account_holders_record_cannot_be_removed(shopper_client, user):
    own = Patient.objects.get(owner=user, is_account_holder=True)
    assert_problem(shopper_client.delete(f"/api/v1/patients/{own.pk}/"), 422, "health_record_in_use")


def test_listing_costs_the_same_queries_for_more_records(shopper_client, user, django_assert_max_num_queries):
    ingredients("Ibuprofen", "Salbutamol")
    for index in range(5):
        child_record(user, name=f"Child {index}", other_medicines=["salbutamol"], allergy_ingredients=["ibuprofen"])
    with django_assert_max_num_queries(8):
        assert len(shopper_client.get("/api/v1/patients/").json()) == 6
