"""Files: media, prescriptions (private, encrypted at rest) and the optional S3-compatible object store."""

from .environment import VAR_DIR, env

MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Prescriptions are health data: kept outside MEDIA_ROOT, with no URL, served only by a checked view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "pharmacy.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --- Object storage and prescriptions encrypted at rest (pharmacy/storage.py) --------------------------
# Without STORAGE_URL or S3_BUCKET, media and prescriptions stay in MEDIA_ROOT and PRIVATE_MEDIA_ROOT.
# With either, both go to an S3-compatible store: STORAGE_URL=s3://KEY:SECRET@BUCKET?endpoint_url=…&region=…
STORAGE_URL = env.str("STORAGE_URL", default="")
S3_SETTINGS = {
    "bucket": env.str("S3_BUCKET", default=""),
    "private_bucket": env.str("S3_PRIVATE_BUCKET", default=""),
    "endpoint_url": env.str("S3_ENDPOINT_URL", default=""),
    "region": env.str("S3_REGION", default=""),
    "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
}
if STORAGE_URL or S3_SETTINGS["bucket"]:
    from pharmacy.storage import parse_storage_url, s3_storages

    if STORAGE_URL:
        S3_SETTINGS = parse_storage_url(STORAGE_URL)
    S3_SETTINGS["private_bucket"] = S3_SETTINGS["private_bucket"] or S3_SETTINGS["bucket"]
    STORAGES = {**STORAGES, **s3_storages(**S3_SETTINGS)}
else:
    STORAGES["private"]["BACKEND"] = "pharmacy.storage.EncryptedPrivateFileSystemStorage"
# "keyid:base64key,…" (32-byte keys), the first encrypts new files and all decrypt; make a key with
# `manage.py reencrypt_prescriptions --new-key ID`. Unset: a development key generated in the file below
# (production refuses to start without the variable).
PRESCRIPTION_ENCRYPTION_KEYS = env.str("PRESCRIPTION_ENCRYPTION_KEYS", default="")
PRESCRIPTION_DEVELOPMENT_KEY_FILE = VAR_DIR / "prescription-encryption-keys"
# Set to true once reencrypt_prescriptions has reported no file "encrypted from plain": from then on a
# prescription blob stored in plain is refused (someone with write access to the bucket put it there).
PRESCRIPTION_FILES_ALL_ENCRYPTED = env.bool("PRESCRIPTION_FILES_ALL_ENCRYPTED", default=False)
