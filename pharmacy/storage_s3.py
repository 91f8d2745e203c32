"""Prescriptions in an S3-compatible object store (django-storages, boto3): a private bucket or prefix,
objects written with the private ACL, no URL, and bytes encrypted by the application before upload, so
even a signed URL would serve only ciphertext."""

from storages.backends.s3 import S3Storage

from .storage import EncryptedStorageMixin


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class EncryptedPrivateS3Storage(EncryptedStorageMixin, PrivateS3Storage):
    pass
