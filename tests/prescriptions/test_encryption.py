"""Prescriptions are encrypted by the application before they are stored: the bytes at rest
are not the upload's, a rotated key still opens old files, and reencrypt_prescriptions moves every file,
plain ones included, to the current key."""

import base64
import hashlib
import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from pharmacy.encryption import (
    LEGACY_MAGIC,
    MAGIC,
    PrescriptionDecryptionError,
    binds_name,
    decrypt,
    development_keys,
    encrypt,
    key_id_of,
    parse_keys,
)
from prescriptions.models import Prescription
from prescriptions.services import submit_prescription
from tests.builders.orders import MINIMAL_PDF, pdf_upload

pytestmark = pytest.mark.django_db


def key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def stored_bytes(prescription: Prescription) -> bytes:
    return Path(prescription.file.path).read_bytes()


@pytest.fixture
def first_key(settings):
    settings.PRESCRIPTION_ENCRYPTION_KEYS = key_entry("k1")
    return settings.PRESCRIPTION_ENCRYPTION_KEYS


def test_stored_prescription_bytes_are_encrypted_and_name_their_key(user, first_key):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())

    at_rest = stored_bytes(prescription)
    assert at_rest != MINIMAL_PDF
    assert MINIMAL_PDF not in at_rest and b"%PDF" not in at_rest
    assert at_rest.startswith(MAGIC) and key_id_of(at_rest) == "k1"
    # Size and checksum describe the upload, not the ciphertext.
    assert prescription.size_bytes == len(MINIMAL_PDF)
    assert prescription.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    with prescription.file.open("rb") as opened:
        assert opened.read() == MINIMAL_PDF


def test_owner_downloads_the_decrypted_file_and_another_shopper_gets_404(client, user, other_user, first_key):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())

    client.force_login(other_user)
    assert client.get(prescription.get_download_url()).status_code == 404
    client.force_login(user)
    response = client.get(prescription.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Cache-Control"] == "private, no-store"


def test_a_rotated_key_still_decrypts_files_of_the_old_key(user, settings, first_key):
    old = submit_prescription(owner=user, uploaded_file=pdf_upload())

    settings.PRESCRIPTION_ENCRYPTION_KEYS = f"{key_entry('k2')},{first_key}"
    new = submit_prescription(owner=user, uploaded_file=pdf_upload())

    assert key_id_of(stored_bytes(old)) == "k1"
    assert key_id_of(stored_bytes(new)) == "k2"
    for prescription in (Prescription.objects.get(pk=old.pk), Prescription.objects.get(pk=new.pk)):
        with prescription.file.open("rb") as opened:
            assert opened.read() == MINIMAL_PDF


def test_a_file_whose_key_was_dropped_does_not_open(user, settings, first_key):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    settings.PRESCRIPTION_ENCRYPTION_KEYS = key_entry("k2")

    with pytest.raises(PrescriptionDecryptionError, match="no key 'k1'"):
        Prescription.objects.get(pk=prescription.pk).file.open("rb")


def test_altered_ciphertext_is_refused():
    ring = parse_keys(key_entry("k1"))
    blob = bytearray(encrypt(MINIMAL_PDF, ring=ring, name="prescriptions/1/a"))
    blob[-1] ^= 1

    with pytest.raises(PrescriptionDecryptionError, match="altered"):
        decrypt(bytes(blob), ring=ring, name="prescriptions/1/a")


def legacy_blob(plaintext: bytes, *, ring) -> bytes:
    """A blob as written before names were bound: the associated data is the header alone."""
    key_id = ring.current_id.encode("ascii")
    header, nonce = LEGACY_MAGIC + bytes([len(key_id)]) + key_id, secrets.token_bytes(12)
    return header + nonce + AESGCM(ring.current).encrypt(nonce, plaintext, header)


def download(client, prescription):
    response = client.get(prescription.get_download_url())
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_a_blob_moved_over_another_prescription_does_not_open(client, user, first_key, caplog):
    mine = submit_prescription(owner=user, uploaded_file=pdf_upload())
    other = submit_prescription(owner=user, uploaded_file=pdf_upload())
    # Someone with write access to the store copies one object over another: same key, other name.
    Path(other.file.path).write_bytes(stored_bytes(mine))
    client.force_login(user)

    assert download(client, mine) == (200, MINIMAL_PDF)
    assert download(client, other) == (404, b"")
    assert f"Prescription {other.pk}: its stored file was refused" in caplog.text


def test_files_written_before_names_were_bound_open_and_reencrypt_binds_them(client, user, first_key, capsys):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    Path(prescription.file.path).write_bytes(legacy_blob(MINIMAL_PDF, ring=parse_keys(first_key)))
    client.force_login(user)
    assert download(client, prescription) == (200, MINIMAL_PDF)

    call_command("reencrypt_prescriptions")

    assert capsys.readouterr().out.strip() == "1 re-encrypted, 0 encrypted from plain, 0 already current, 0 failed"
    prescription.refresh_from_db()
    assert binds_name(stored_bytes(prescription)) and key_id_of(stored_bytes(prescription)) == "k1"
    assert download(client, prescription) == (200, MINIMAL_PDF)


def test_once_every_file_is_encrypted_a_plain_blob_is_refused(client, user, settings, first_key, caplog):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    Path(prescription.file.path).write_bytes(MINIMAL_PDF)  # the upload, in plain
    client.force_login(user)
    assert download(client, prescription) == (200, MINIMAL_PDF)  # as stored before encryption existed

    settings.PRESCRIPTION_FILES_ALL_ENCRYPTED = True

    assert download(client, prescription) == (404, b"")
    assert "stored in plain" in caplog.text


def test_a_download_compares_the_sha256_recorded_at_upload(client, user, first_key, caplog):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    Prescription.objects.filter(pk=prescription.pk).update(sha256=hashlib.sha256(b"another upload").hexdigest())
    client.force_login(user)

    assert download(client, prescription) == (404, b"")
    assert f"Prescription {prescription.pk}: its stored file is not the upload" in caplog.text


def test_reencrypt_command_moves_old_and_plain_files_to_the_current_key(user, settings, first_key, capsys):
    old = submit_prescription(owner=user, uploaded_file=pdf_upload())
    plain = submit_prescription(owner=user, uploaded_file=pdf_upload())
    # A file stored before encryption existed: the plain upload, as the old code wrote it.
    Path(plain.file.path).write_bytes(MINIMAL_PDF)
    settings.PRESCRIPTION_ENCRYPTION_KEYS = f"{key_entry('k2')},{first_key}"
    current = submit_prescription(owner=user, uploaded_file=pdf_upload())
    old_path, plain_path, current_name = Path(old.file.path), Path(plain.file.path), current.file.name

    call_command("reencrypt_prescriptions")

    assert capsys.readouterr().out.strip() == "1 re-encrypted, 1 encrypted from plain, 1 already current, 0 failed"
    for prescription in Prescription.objects.filter(pk__in=[old.pk, plain.pk, current.pk]):
        at_rest = stored_bytes(prescription)
        assert key_id_of(at_rest) == "k2" and b"%PDF" not in at_rest
        with prescription.file.open("rb") as opened:
            assert opened.read() == MINIMAL_PDF
    assert not old_path.exists() and not plain_path.exists()
    assert Prescription.objects.get(pk=current.pk).file.name == current_name
    # Once every file is on the new key, the old one can go.
    settings.PRESCRIPTION_ENCRYPTION_KEYS = settings.PRESCRIPTION_ENCRYPTION_KEYS.split(",")[0]
    call_command("reencrypt_prescriptions")
    assert capsys.readouterr().out.strip() == "0 re-encrypted, 0 encrypted from plain, 3 already current, 0 failed"


def test_reencrypt_command_leaves_a_plain_file_that_is_not_the_upload(user, first_key, capsys):
    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())
    Path(prescription.file.path).write_bytes(b"%PDF-1.4 something else")

    with pytest.raises(CommandError, match="1 prescription file"):
        call_command("reencrypt_prescriptions")

    assert Path(prescription.file.path).read_bytes() == b"%PDF-1.4 something else"
    assert f"prescription {prescription.pk}: the stored file is not the upload" in capsys.readouterr().err


def test_reencrypt_command_prints_a_new_key_entry(capsys):
    call_command("reencrypt_prescriptions", "--new-key", "2027-01")

    ring = parse_keys(capsys.readouterr().out.strip())
    assert ring.current_id == "2027-01" and len(ring.current) == 32


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "names no key"), ("k1", "keyid:base64key"), ("k1:not base64!", "not base64"),
     ("k1:c2hvcnQ=", "32 bytes"), (f"{key_entry('k1')},{key_entry('k1')}", "appears twice")],
    # Fixed ids: a random key in an id differs between pytest-xdist's workers, which then refuse to start.
    ids=["empty", "no-key", "not-base64", "short-key", "same-id-twice"],
)
def test_malformed_keys_are_refused(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keys(value)


def test_without_keys_a_development_key_is_generated_once_under_var(user, settings, tmp_path):
    settings.PRESCRIPTION_ENCRYPTION_KEYS = ""
    settings.PRESCRIPTION_DEVELOPMENT_KEY_FILE = tmp_path / "keys"

    prescription = submit_prescription(owner=user, uploaded_file=pdf_upload())

    entry = (tmp_path / "keys").read_text().strip()
    assert key_id_of(stored_bytes(prescription)) == parse_keys(entry).current_id == "dev1"
    assert (tmp_path / "keys").stat().st_mode & 0o077 == 0
    with Prescription.objects.get(pk=prescription.pk).file.open("rb") as opened:
        assert opened.read() == MINIMAL_PDF


def _first_start(path: Path, barrier) -> str:
    barrier.wait()
    return development_keys(path)


def test_processes_starting_at_once_agree_on_one_whole_development_key(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    path = tmp_path / "var" / "keys"
    barrier = context.Manager().Barrier(6)
    with context.Pool(6) as pool:
        keys = pool.starmap(_first_start, [(path, barrier)] * 6)

    assert len(set(keys)) == 1
    assert parse_keys(keys[0]).current_id == "dev1"
    assert [entry.name for entry in path.parent.iterdir()] == ["keys"]  # no draft left behind
