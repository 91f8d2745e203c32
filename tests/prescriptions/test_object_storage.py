"""Prescriptions on an S3-compatible object store, against moto's real HTTP server: a file
uploaded through this process is downloaded by another process that shares no disk with it, the bytes
in the bucket are ciphertext, and the permission checks are the same (404 for another shopper)."""

import base64
import hashlib
import json
import secrets
import subprocess
import sys

import pytest
from django.core.files.storage import storages
from django.db import connection

from pharmacy.encryption import key_id_of
from pharmacy.storage import parse_storage_url, s3_storages
from prescriptions.models import Prescription
from tests.builders.orders import MINIMAL_PDF, pdf_upload
from tests.deploy.support import ROOT, environment_without

KEYS = "s3test:" + base64.b64encode(secrets.token_bytes(32)).decode()

# Run in the second process: sign in each shopper, fetch the file through the storefront view.
DOWNLOAD = """
import hashlib, json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from prescriptions.models import Prescription
prescription = Prescription.objects.get(pk=int(sys.argv[1]))
storage = Prescription._meta.get_field("file").storage
results = {"backend": type(storage).__name__, "private_root": str(settings.PRIVATE_MEDIA_ROOT)}
for label, user_id in (("owner", int(sys.argv[2])), ("other", int(sys.argv[3]))):
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    response = client.get(prescription.get_download_url())
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    results[label] = [response.status_code, hashlib.sha256(body).hexdigest()]
print(json.dumps(results))
"""


@pytest.fixture
def object_store(s3_server, settings, monkeypatch):
    """This process stores prescriptions and media in a fresh bucket of the moto server."""
    bucket = s3_server.create_bucket()
    settings.PRESCRIPTION_ENCRYPTION_KEYS = KEYS
    settings.STORAGES = {**settings.STORAGES, **s3_storages(**s3_server.storage_settings(bucket))}
    # The field's storage is built once, at import; point it at the bucket's storage.
    monkeypatch.setattr(Prescription._meta.get_field("file"), "storage", storages["private"])
    return bucket


def run_download(*, s3_server, bucket, prescription, owner, other, tmp_path) -> dict:
    database = connection.settings_dict
    database_url = (f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
                    f"{database['PORT'] or 5432}/{database['NAME']}")
    values = {"DJANGO_SETTINGS_MODULE": "pharmacy.settings.test", "DATABASE_URL": database_url,
              "STORAGE_URL": s3_server.storage_url(bucket), "PRESCRIPTION_ENCRYPTION_KEYS": KEYS}
    environment = environment_without(*values, "S3_BUCKET", **values)
    # A working directory of its own: nothing it reads comes from this process's files but the code.
    result = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + DOWNLOAD,
                             str(prescription.pk), str(owner.pk), str(other.pk)],
                            cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_prescription_uploaded_here_downloads_in_another_process_from_the_object_store(
    s3_server, object_store, shopper_client, user, other_user, tmp_path, settings,
):
    response = shopper_client.post("/api/v1/prescriptions/", {"file": pdf_upload("script.pdf")},
                                   format="multipart")
    assert response.status_code == 201, response.content
    prescription = Prescription.objects.get(pk=response.json()["id"])

    # In the bucket, under the private prefix, as ciphertext; nothing on this process's disk.
    key = f"private/{prescription.file.name}"
    stored = s3_server.client().get_object(Bucket=object_store, Key=key)["Body"].read()
    assert stored != MINIMAL_PDF and b"%PDF" not in stored and key_id_of(stored) == "s3test"
    assert not (settings.PRIVATE_MEDIA_ROOT / prescription.file.name).exists()

    downloaded = run_download(s3_server=s3_server, bucket=object_store, prescription=prescription,
                              owner=user, other=other_user, tmp_path=tmp_path)

    assert downloaded["backend"] == "EncryptedPrivateS3Storage"
    assert downloaded["owner"] == [200, hashlib.sha256(MINIMAL_PDF).hexdigest()]
    assert downloaded["other"][0] == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_objects_in_the_bucket_are_private_and_have_no_url(s3_server, object_store, user):
    from prescriptions.services import submit_prescription

    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())

    acl = s3_server.client().get_object_acl(Bucket=object_store, Key=f"private/{prescription.file.name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") is None for grant in acl["Grants"])  # no AllUsers grant
    with pytest.raises(ValueError, match="no URL"):
        prescription.file.url  # noqa: B018
    with prescription.file.open("rb") as opened:
        assert opened.read() == MINIMAL_PDF


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reencrypt_command_works_on_the_object_store(s3_server, object_store, user, settings, capsys):
    from django.core.management import call_command

    from prescriptions.services import submit_prescription

    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    old_key = f"private/{prescription.file.name}"
    settings.PRESCRIPTION_ENCRYPTION_KEYS = "s3new:" + base64.b64encode(secrets.token_bytes(32)).decode() + "," + KEYS

    call_command("reencrypt_prescriptions")

    moved = Prescription.objects.get(pk=prescription.pk)
    stored = s3_server.client().get_object(Bucket=object_store, Key=f"private/{moved.file.name}")["Body"].read()
    assert key_id_of(stored) == "s3new"
    listed = s3_server.client().list_objects_v2(Bucket=object_store, Prefix="private/")["Contents"]
    assert old_key not in [item["Key"] for item in listed]
    with moved.file.open("rb") as opened:
        assert opened.read() == MINIMAL_PDF
    assert "1 re-encrypted" in capsys.readouterr().out


def test_storage_url_names_bucket_endpoint_region_and_keys():
    parsed = parse_storage_url("s3://AKIA:se%2Fcret@shop-media?endpoint_url=http://minio:9000&region=eu-west-2"
                               "&private_bucket=shop-prescriptions")

    assert parsed == {"bucket": "shop-media", "private_bucket": "shop-prescriptions",
                      "endpoint_url": "http://minio:9000", "region": "eu-west-2",
                      "access_key": "AKIA", "secret_key": "se/cret"}


def test_media_go_to_the_bucket_under_media(s3_server, object_store):
    from django.core.files.base import ContentFile

    name = storages["default"].save("products/photo.png", ContentFile(b"\x89PNG not really"))

    stored = s3_server.client().get_object(Bucket=object_store, Key=f"media/{name}")["Body"].read()
    assert stored == b"\x89PNG not really"  # media are public files: stored as they are
    assert storages["default"].url(name).startswith(f"{s3_server.endpoint_url}/{object_store}/media/{name}")
