"""Storage backends. Prescriptions (health data) never have a URL and are encrypted by the application
before they reach the disk or the bucket (pharmacy/encryption.py); media uses Django's default storage.

Without STORAGE_URL (or S3_BUCKET) both stay on local folders; with it both go to an S3-compatible object
store through django-storages (pharmacy/storage_s3.py): media under `media/`, prescriptions under
`private/` of a private bucket, so every web node reads what any other stored.
"""

from functools import partial
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from .encryption import PrescriptionDecryptionError, decrypt, encrypt, get_key_ring, is_encrypted


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that must never have a public URL (prescriptions). Served only by views that check who asks."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class EncryptedStorageMixin:
    """Encrypts on save and decrypts on open, so every reader (storefront, API, admin) goes through the
    one download view unchanged. Each blob is bound to its name (pharmacy/encryption.py), so a blob moved
    to another name does not open. `read_raw`/`save_raw` see the stored bytes (re-encryption, tests)."""

    def _save(self, name, content):
        content.seek(0)
        blob = encrypt(content.read(), ring=get_key_ring(), name=name)
        saved = super()._save(name, ContentFile(blob))
        if saved != name:  # the storage chose another name (a race on a random one): it would not open
            super().delete(saved)
            raise OSError(f"{name} was taken while it was being stored; store the file again")
        return saved

    def _open(self, name, mode="rb"):
        blob = self.read_raw(name)
        if is_encrypted(blob):
            return ContentFile(decrypt(blob, ring=get_key_ring(), name=name), name=name)
        # A file stored before encryption opens as it is, until reencrypt_prescriptions has run and
        # PRESCRIPTION_FILES_ALL_ENCRYPTED says so; from then on a plain blob is one someone put there.
        if settings.PRESCRIPTION_FILES_ALL_ENCRYPTED:
            raise PrescriptionDecryptionError("the file is stored in plain, and every file should be encrypted")
        return ContentFile(blob, name=name)

    def read_raw(self, name) -> bytes:
        with super()._open(name, "rb") as handle:
            return handle.read()

    def save_raw(self, name, blob: bytes) -> str:
        name = self.get_available_name(self.generate_filename(name))
        return super()._save(name, ContentFile(blob))


class EncryptedPrivateFileSystemStorage(EncryptedStorageMixin, PrivateFileSystemStorage):
    pass


def parse_storage_url(url: str) -> dict[str, str]:
    """STORAGE_URL=s3://ACCESS_KEY:SECRET_KEY@BUCKET?endpoint_url=http://minio:9000&region=eu-west-2
    &private_bucket=NAME into the S3 settings (keys percent-encoded; empty keys use boto3's own chain)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL must look like s3://ACCESS_KEY:SECRET_KEY@BUCKET?endpoint_url=…")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region", "private_bucket"}
    if unknown:
        raise ImproperlyConfigured(f"STORAGE_URL: unknown parameters {sorted(unknown)}")
    bucket = parts.netloc.rpartition("@")[2]
    return {
        "bucket": bucket,
        "private_bucket": query.get("private_bucket", bucket),
        "endpoint_url": query.get("endpoint_url", ""),
        "region": query.get("region", ""),
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
    }


def s3_storages(*, bucket: str, private_bucket: str, endpoint_url: str, region: str, access_key: str,
                secret_key: str) -> dict[str, dict]:
    """The "default" (media) and "private" (prescriptions) entries of STORAGES for an S3-compatible store."""
    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "file_overwrite": False,
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**common, "bucket_name": bucket, "location": "media"}},
        "private": {"BACKEND": "pharmacy.storage_s3.EncryptedPrivateS3Storage",
                    "OPTIONS": {**common, "bucket_name": private_bucket, "location": "private",
                                "default_acl": "private", "querystring_auth": True}},
    }


def delete_every_version(storage, name: str) -> None:
    """Delete a stored file for good: on an object store that keeps versions, every version of it (a plain
    delete there only adds a delete marker and the bytes stay); elsewhere, the file."""
    delete_versions = getattr(storage, "delete_every_version", None)
    if delete_versions is not None:
        delete_versions(name)
    else:
        storage.delete(name)


def delete_every_version_after_commit(storage, names: list[str]) -> None:
    """Inside a transaction: delete the files once it commits. A rollback then keeps every file its rows
    still name, and no object-store call waits while the transaction holds its row locks. A failed delete
    is logged (robust) and leaves the file for the nightly retention run, never the commit undone."""
    for name in names:
        transaction.on_commit(partial(delete_every_version, storage, name), robust=True)
