"""Subject access export: a shopper with two orders, a prescription, a health record for a child and a
consultation gets exactly their data, in a ZIP whose JSON validates against the published schema; a second
shopper at the same address appears nowhere. One export runs at a time per person."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkout.services import place_order
from clinical.models import OrderAlert
from dispensing.approval import approve_order, dispatch_order
from dispensing.originals import record_electronic_verified
from orders.models import Order
from patients.details import PatientDetails
from patients.models import HealthRecordAccess
from prescriptions.models import PrescriptionFileAccess
from privacy.export import build_archive, collect_subject_data
from privacy.models import ConsentInterface, DataExport, ExportStatus
from privacy.services import build_export, give_consent, request_export
from privacy.services.erasure import erase_account
from tests.builders.consultations import answers_for
from tests.builders.orders import MINIMAL_PDF, cart_with, details, dispensing_record, eps_id, uploaded_prescription
from tests.builders.patients import child_record
from tests.builders.privacy import published_notice
from tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "privacy-export-schema.json").read_text())
SHARED_ADDRESS = {"address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA"}


def shopper(name: str, email: str):
    user = UserFactory(full_name=name, email=email)
    give_consent(user=user, interface=ConsentInterface.API, notice_number=published_notice().number)
    return user


def history(user, *, name: str, child_name: str, p_pack, pom_pack, pharmacist, key: str) -> dict:
    """Two orders: a P medicine for a child (with the pharmacist's questions answered) and a prescription
    medicine for the account holder, supplied against an uploaded prescription."""
    child = child_record(user, name=child_name, date_of_birth=datetime.date(2012, 4, 1))
    checkout = details(full_name=name, email=user.email, **SHARED_ADDRESS)
    for_child = place_order(user=user, cart=cart_with(user, (p_pack, 1)), details=checkout, idempotency_key=f"{key}-p",
                            consultation_answers=answers_for(p_pack, "yes", f"{child_name} takes nothing else"),
                            patient=PatientDetails(record_id=child.pk, is_account_holder=False))
    prescription = uploaded_prescription(user)
    supplied = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=checkout,
                           idempotency_key=f"{key}-pom", prescription=prescription)
    approve_order(order=supplied, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))
    record_electronic_verified(prescription=supplied.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(supplied.prescription))
    dispatch_order(order=supplied, actor=StaffFactory())
    OrderAlert.objects.create(order=for_child, rule_id=f"rule-{key}", kind="age", severity="minor",
                              message="For the pharmacist.", advice=f"Advice for {child_name}.", source="BNF")
    HealthRecordAccess.objects.create(staff=pharmacist, patient=child, patient_reference=child.pk,
                                      channel="admin_record")
    PrescriptionFileAccess.objects.create(user=pharmacist, prescription=prescription,
                                          prescription_reference=prescription.pk, channel="admin", served=True)
    return {"orders": {for_child.number, supplied.number}, "child": child, "prescription": prescription}


def built_export(user, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export, created = request_export(user=user, interface=ConsentInterface.API)
    assert created
    export.refresh_from_db()
    return export


def unzip(export: DataExport) -> dict[str, bytes]:
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def two_shoppers_at_one_address(p_pack, pom_pack, pharmacist):
    ada = shopper("Ada Lovelace", "ada@example.org")
    bob = shopper("Bob Neighbour", "bob@example.org")
    ada_history = history(ada, name="Ada Lovelace", child_name="Sam Lovelace", p_pack=p_pack, pom_pack=pom_pack,
                          pharmacist=pharmacist, key="ada")
    bob_history = history(bob, name="Bob Neighbour", child_name="Kim Neighbour", p_pack=p_pack, pom_pack=pom_pack,
                          pharmacist=pharmacist, key="bob")
    return ada, ada_history, bob, bob_history


def test_an_export_holds_exactly_the_shoppers_data_and_nobody_elses(
        two_shoppers_at_one_address, django_capture_on_commit_callbacks):
    ada, ada_history, bob, bob_history = two_shoppers_at_one_address

    export = built_export(ada, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY and export.size_bytes > 0
    assert export.expires_at - export.built_at == datetime.timedelta(days=7)
    files = unzip(export)
    prescription = ada_history["prescription"]
    assert set(files) == {"README.txt", "export.json", "export.html",
                          f"prescriptions/prescription-{prescription.pk}.pdf"}
    assert files[f"prescriptions/prescription-{prescription.pk}.pdf"] == MINIMAL_PDF  # decrypted, as uploaded
    data = json.loads(files["export.json"])
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert data["account"]["email"] == "ada@example.org"
    assert {order["number"] for order in data["orders"]} == ada_history["orders"]
    assert [address["address_line1"] for address in data["addresses"]] == ["1 High Street"]
    assert sorted(record["name"] for record in data["health_records"]) == ["Ada Lovelace", "Sam Lovelace"]
    assert [prescription["id"] for prescription in data["prescriptions"]] == [prescription.pk]
    [item] = data["prescriptions"][0]["items"]  # what the pharmacist recorded, structured directions included
    assert item == {"medicine": item["medicine"], "quantity": 84, "directions": "As directed", "dose": None,
                    "dose_unit": "", "times_per_day": None, "every_days": 1, "as_directed": True}
    assert [answer["answer"] for answer in data["consultation_answers"]] == ["yes", "Sam Lovelace takes nothing else"]
    assert [consent["notice_version"] for consent in data["consents"]] == [1]
    alerts = [alert["advice"] for order in data["orders"] for alert in order["clinical_alerts"]]
    assert alerts == ["Advice for Sam Lovelace."]
    assert sorted(view["what"] for view in data["staff_access_log"]) == ["health_record", "prescription_file"]
    assert {payment["status"] for order in data["orders"] for payment in order["payments"]} <= {"authorised",
                                                                                               "captured"}
    text = files["export.json"].decode() + files["export.html"].decode()
    for bobs in ["Bob Neighbour", "bob@example.org", "Kim Neighbour", *bob_history["orders"],
                 f"prescription-{bob_history['prescription'].pk}."]:
        assert bobs not in text
    page = files["export.html"].decode()
    assert "Sam Lovelace" in page and "Penicillins (such as amoxicillin)" in page and "Dispatched" in page
    assert "penicillins" in files["export.json"].decode()  # the stored code, for machines


def test_the_ready_export_is_e_mailed_as_a_link_without_the_data(
        two_shoppers_at_one_address, django_capture_on_commit_callbacks):
    ada, ada_history, *_ = two_shoppers_at_one_address
    mail.outbox.clear()

    built_export(ada, django_capture_on_commit_callbacks)

    sent = [message for message in mail.outbox if message.to == ["ada@example.org"]]
    assert len(sent) == 1 and "/account/privacy/export/" in sent[0].body
    for data in ["Sam Lovelace", *ada_history["orders"], "1 High Street"]:
        assert data not in sent[0].body and data not in sent[0].subject


def test_a_second_request_returns_the_running_export(user):
    first, created = request_export(user=user, interface=ConsentInterface.STOREFRONT)
    again, created_again = request_export(user=user, interface=ConsentInterface.API)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and DataExport.objects.filter(user=user).count() == 1


def test_after_an_export_is_built_a_new_one_may_be_requested(user, django_capture_on_commit_callbacks):
    first = built_export(user, django_capture_on_commit_callbacks)

    second, created = request_export(user=user, interface=ConsentInterface.API)

    assert created and second.pk != first.pk


def test_an_account_with_no_orders_exports_empty_lists_that_still_validate(user, django_capture_on_commit_callbacks):
    data = json.loads(unzip(built_export(user, django_capture_on_commit_callbacks))["export.json"])

    jsonschema.validate(data, SCHEMA)
    assert (data["orders"], data["prescriptions"], data["addresses"]) == ([], [], [])
    assert not Order.objects.filter(user=user).exists()


def test_an_export_that_lost_its_task_is_given_up_after_two_hours_and_replaced(user):
    stuck, _created = request_export(user=user, interface=ConsentInterface.API)
    DataExport.objects.filter(pk=stuck.pk).update(status=ExportStatus.BUILDING,
                                                  requested_at=timezone.now() - datetime.timedelta(hours=2, minutes=1))

    fresh, created = request_export(user=user, interface=ConsentInterface.API)

    stuck.refresh_from_db()
    assert created and fresh.pk != stuck.pk
    assert (stuck.status, fresh.status) == (ExportStatus.FAILED, ExportStatus.PENDING)


def test_an_export_building_for_less_than_two_hours_is_still_the_running_one(user):
    running, _created = request_export(user=user, interface=ConsentInterface.API)
    DataExport.objects.filter(pk=running.pk).update(requested_at=timezone.now() - datetime.timedelta(hours=1))

    again, created = request_export(user=user, interface=ConsentInterface.API)

    assert not created and again.pk == running.pk


def test_collecting_takes_as_many_queries_for_two_histories_as_for_one(p_pack, pom_pack, pharmacist):  # noqa: F811
    ada = shopper("Ada Lovelace", "ada@example.org")
    history(ada, name="Ada Lovelace", child_name="Sam Lovelace", p_pack=p_pack, pom_pack=pom_pack,
            pharmacist=pharmacist, key="first")
    with CaptureQueriesContext(connection) as one:
        collect_subject_data(user=ada)
    history(ada, name="Ada Lovelace", child_name="Tom Lovelace", p_pack=p_pack, pom_pack=pom_pack,
            pharmacist=pharmacist, key="second")

    with CaptureQueriesContext(connection) as two:
        data = collect_subject_data(user=ada).data

    assert len(data["orders"]) == 4 and len(data["prescriptions"]) == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_two_people_with_one_carer_appear_in_the_carers_export_and_not_in_each_others(pharmacist):
    cara = shopper("Cara Carer", "cara@example.org")
    child_record(cara, name="Kim Cared")
    sam = child_record(cara, name="Sam Cared")
    kim = shopper("Kim Cared", "kim@example.org")  # Kim also has an account of her own
    HealthRecordAccess.objects.create(staff=pharmacist, patient=sam, patient_reference=sam.pk, channel="admin_record")

    carers = collect_subject_data(user=cara).data
    kims = collect_subject_data(user=kim).data

    assert sorted(record["name"] for record in carers["health_records"]) == ["Cara Carer", "Kim Cared", "Sam Cared"]
    assert [view["health_record_id"] for view in carers["staff_access_log"]] == [sam.pk]
    assert [record["name"] for record in kims["health_records"]] == ["Kim Cared"]
    assert kims["staff_access_log"] == [] and kims["account"]["email"] == "kim@example.org"
    assert "Sam Cared" not in json.dumps(kims) and "Cara Carer" not in json.dumps(kims)


def test_an_export_whose_account_was_erased_before_it_was_built_builds_nothing(user):
    export, _created = request_export(user=user, interface=ConsentInterface.API)
    erase_account(user=user)

    assert build_export(export_id=export.pk) is None
    assert not DataExport.objects.filter(pk=export.pk).exists()


def test_an_export_erased_while_it_is_built_leaves_no_file_once_the_erasure_of_it_commits(
    user, monkeypatch, django_capture_on_commit_callbacks
):
    export, _created = request_export(user=user, interface=ConsentInterface.API)
    storage = DataExport._meta.get_field("file").storage
    folder = f"exports/{user.pk}"
    real_build_archive = build_archive

    def erased_while_built(*args, **kwargs):
        DataExport.objects.filter(pk=export.pk).delete()  # the erasure commits while the ZIP is being built
        return real_build_archive(*args, **kwargs)

    monkeypatch.setattr("privacy.services.export.build_archive", erased_while_built)
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert build_export(export_id=export.pk) is None
    assert storage.listdir(folder)[1]  # stored, and not deleted while the export's row was locked
    for callback in after_commit:
        callback()

    assert storage.listdir(folder)[1] == []
