"""Prescription files past their retention leave a versioned bucket for good: every version and delete
marker goes, not just the current object (a plain delete there only adds a marker; the bytes stay)."""

import base64
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from pharmacy.storage import delete_every_version, s3_storages

KEYS = "s3privacy:" + base64.b64encode(secrets.token_bytes(32)).decode()


def test_a_file_in_a_versioned_bucket_loses_every_version(s3_server, settings):
    bucket = s3_server.create_bucket("privacy")
    client = s3_server.client()
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    settings.PRESCRIPTION_ENCRYPTION_KEYS = KEYS
    settings.STORAGES = {**settings.STORAGES, **s3_storages(**s3_server.storage_settings(bucket))}
    storage = storages["private"]
    name = storage.save("prescriptions/7/scan", ContentFile(b"first scan"))
    storage.save("prescriptions/7/scan-kept", ContentFile(b"another prescription"))
    key = f"private/{name}"
    client.put_object(Bucket=bucket, Key=key, Body=b"second version")
    client.delete_object(Bucket=bucket, Key=key)  # a delete marker on top: the versions are still there

    delete_every_version(storage, name)

    listed = client.list_object_versions(Bucket=bucket, Prefix="private/prescriptions/7/")
    left = [entry["Key"] for entry in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    assert left == ["private/prescriptions/7/scan-kept"]


def test_a_file_on_disk_is_simply_deleted(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("scan", ContentFile(b"x"))

    delete_every_version(storage, name)

    assert not storage.exists(name)
