"""'Electronic prescription verified' records the e-prescription's identifier and the pharmacist who
checked it, over the API and in the admin; it is refused for a prescription uploaded as a photo or
scan (its legal original is paper), and one identifier is the original of one prescription only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from checkout.services import place_order
from dispensing.approval import approve_order
from prescriptions.models import Prescription, PrescriptionSource
from prescriptions.services import submit_prescription
from tests.builders.api import assert_problem
from tests.builders.orders import cart_with, details, dispensing_record, image_bytes, uploaded_prescription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def approved(user, pharmacist, pom_pack, *, prescription=None, key="k"):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key=key,
                        prescription=prescription or uploaded_prescription(user))
    return approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))


def verify_url(order) -> str:
    return f"/api/v1/pharmacist/prescriptions/{order.prescription_id}/electronic-verified/"


def test_the_identifier_and_the_checking_pharmacist_are_recorded(pharmacist_client, pharmacist, user, pom_pack):
    order = approved(user, pharmacist, pom_pack)

    response = pharmacist_client.post(verify_url(order), {"electronic_prescription_id": "3f1a2b-a83008-4e1d5q",
                                                          "note": "AdES signature valid."}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["source"], body["electronic_prescription_id"], body["original_received_by"]) == (
        PrescriptionSource.ELECTRONIC, "3F1A2B-A83008-4E1D5Q", pharmacist.pk)


def test_an_identifier_is_required(pharmacist_client, pharmacist, user, pom_pack):
    order = approved(user, pharmacist, pom_pack)

    assert_problem(pharmacist_client.post(verify_url(order), {"note": "Looked fine."}, format="json"), 400,
                   field="electronic_prescription_id")
    assert Prescription.objects.get(pk=order.prescription_id).source == PrescriptionSource.UPLOAD


def test_a_prescription_uploaded_as_a_photo_or_scan_is_refused(pharmacist_client, pharmacist, user, pom_pack):
    scan = submit_prescription(owner=user, uploaded_file=SimpleUploadedFile("scan.png", image_bytes("PNG"),
                                                                            content_type="image/png"))
    order = approved(user, pharmacist, pom_pack, prescription=scan)

    response = pharmacist_client.post(verify_url(order), {"electronic_prescription_id": "3F1A2B-A83008-4E1D5Q"},
                                      format="json")

    body = assert_problem(response, 422, code="prescription_not_usable")
    assert "photo or scan" in body["detail"]
    scan.refresh_from_db()
    assert (scan.source, scan.electronic_prescription_id, scan.original_received_at) == (
        PrescriptionSource.UPLOAD, "", None)


def test_one_identifier_is_the_original_of_one_prescription(pharmacist_client, pharmacist, user, pom_pack):
    first = approved(user, pharmacist, pom_pack, key="a")
    second = approved(user, pharmacist, pom_pack, key="b")
    body = {"electronic_prescription_id": "3F1A2B-A83008-4E1D5Q"}
    assert pharmacist_client.post(verify_url(first), body, format="json").status_code == 200

    assert_problem(pharmacist_client.post(verify_url(second), body, format="json"), 422,
                   code="prescription_not_usable")
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database refuses it too
        Prescription.objects.filter(pk=second.prescription_id).update(electronic_prescription_id="3F1A2B-A83008-4E1D5Q")


def test_the_database_refuses_an_electronic_original_without_its_identifier(pharmacist, user, pom_pack):
    order = approved(user, pharmacist, pom_pack)

    with pytest.raises(IntegrityError), transaction.atomic():
        Prescription.objects.filter(pk=order.prescription_id).update(source=PrescriptionSource.ELECTRONIC)


def test_the_admin_form_records_the_identifier(client, pharmacist, user, pom_pack):
    order = approved(user, pharmacist, pom_pack)
    client.force_login(pharmacist)
    url = reverse("admin:prescriptions_prescription_original", args=[order.prescription_id])

    refused = client.post(url, {"_electronic": "1", "electronic-note": "Checked."})
    response = client.post(url, {"_electronic": "1", "electronic-electronic_prescription_id": "9D2C1E-B77001-5F2A8K",
                                 "electronic-note": "Checked."})

    assert refused.status_code == 200 and b"This field is required" in refused.content
    assert response.status_code == 302
    prescription = Prescription.objects.get(pk=order.prescription_id)
    assert (prescription.electronic_prescription_id, prescription.original_received_by) == (
        "9D2C1E-B77001-5F2A8K", pharmacist)
