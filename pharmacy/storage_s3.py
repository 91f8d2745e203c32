"""Prescriptions in an S3-compatible object store (django-storages, boto3): a private bucket or prefix,
objects written with the private ACL, no URL, and bytes encrypted by the application before upload, so
even a signed URL would serve only ciphertext."""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .storage import EncryptedStorageMixin


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")

    def delete_every_version(self, name: str) -> None:
        """Delete the object and, when the bucket keeps versions, each of its versions and delete markers."""
        key = self._normalize_name(clean_name(name))
        versions = [{"Key": version.object_key, "VersionId": version.id}
                    for version in self.bucket.object_versions.filter(Prefix=key) if version.object_key == key]
        if versions:
            self.bucket.delete_objects(Delete={"Objects": versions, "Quiet": True})
        else:
            self.delete(name)


class EncryptedPrivateS3Storage(EncryptedStorageMixin, PrivateS3Storage):
    pass
