"""Prescriptions are encrypted by the application before they are stored: AES-256-GCM, an
authenticated cipher, so a changed or truncated blob fails to open rather than serving altered bytes.

A stored blob is `MAGIC | key-id length (1 byte) | key id | 12-byte nonce | ciphertext+tag`; the key id
travels with the file, so after a rotation old files still open with their own key. Keys come from
PRESCRIPTION_ENCRYPTION_KEYS = "keyid:base64key,keyid:base64key": the first is current (new files), the
others only decrypt.

The associated data binds the header (so the key id) and the object's name in its storage: a blob copied
over another object, or two objects swapped by someone with write access to the bucket, no longer opens.
Files written before names were bound (LEGACY_MAGIC) still open; reencrypt_prescriptions rewrites them.
"""

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"PHRXENC2"  # associated data: the header and the object's name
LEGACY_MAGIC = b"PHRXENC1"  # associated data: the header only
NONCE_BYTES = 12


class PrescriptionDecryptionError(Exception):
    """A stored blob that cannot be opened: unknown key id, or altered bytes."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_keys(value: str) -> KeyRing:
    """Read "keyid:base64key,..." into a KeyRing; refuses malformed ids and keys that are not 256 bits."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not key_id or len(key_id.encode()) > 255 or not key_id.isascii():
            raise ImproperlyConfigured("PRESCRIPTION_ENCRYPTION_KEYS: each entry is keyid:base64key")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:
            raise ImproperlyConfigured(f"PRESCRIPTION_ENCRYPTION_KEYS: key {key_id!r} is not base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"PRESCRIPTION_ENCRYPTION_KEYS: key {key_id!r} must be 32 bytes (AES-256)")
        if key_id in keys:
            raise ImproperlyConfigured(f"PRESCRIPTION_ENCRYPTION_KEYS: key id {key_id!r} appears twice")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("PRESCRIPTION_ENCRYPTION_KEYS names no key")
    return KeyRing(keys=keys, current_id=order[0])


def development_keys(path: Path) -> str:
    """The embedded default: one key generated on first use and kept under var/ (never in production,
    which refuses to start without PRESCRIPTION_ENCRYPTION_KEYS)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        value = "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode()
        # Written whole under a private name, then linked into place: link() fails if the file exists,
        # so two processes starting at once agree on one key, and neither reads a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(value + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process linked its key first; theirs is the one every process reads
        finally:
            draft.unlink()
    return path.read_text().strip()


def generate_key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def is_encrypted(blob: bytes) -> bool:
    return blob.startswith((MAGIC, LEGACY_MAGIC))


def binds_name(blob: bytes) -> bool:
    """Whether the blob's associated data includes its object's name (files written since it does)."""
    return blob.startswith(MAGIC)


def key_id_of(blob: bytes) -> str | None:
    """The id of the key a blob was encrypted with, or None for a file stored in plain."""
    if not is_encrypted(blob):
        return None
    length = blob[len(MAGIC)]
    return blob[len(MAGIC) + 1:len(MAGIC) + 1 + length].decode("ascii")


def _associated_data(header: bytes, name: str) -> bytes:
    if header.startswith(LEGACY_MAGIC):
        return header
    return header + b"\x00" + name.encode("utf-8")


def encrypt(plaintext: bytes, *, ring: KeyRing, name: str) -> bytes:
    """Encrypt for the object stored as `name` (its storage name, without the bucket's prefix)."""
    key_id = ring.current_id.encode("ascii")
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = MAGIC + bytes([len(key_id)]) + key_id
    return header + nonce + AESGCM(ring.current).encrypt(nonce, plaintext, _associated_data(header, name))


def decrypt(blob: bytes, *, ring: KeyRing, name: str) -> bytes:
    key_id = key_id_of(blob)
    if key_id is None:
        raise PrescriptionDecryptionError("the file is not encrypted")
    if key_id not in ring.keys:
        raise PrescriptionDecryptionError(f"no key {key_id!r} in PRESCRIPTION_ENCRYPTION_KEYS")
    header_length = len(MAGIC) + 1 + len(key_id)
    header, nonce = blob[:header_length], blob[header_length:header_length + NONCE_BYTES]
    try:
        return AESGCM(ring.keys[key_id]).decrypt(nonce, blob[header_length + NONCE_BYTES:],
                                                 _associated_data(header, name))
    except InvalidTag:
        raise PrescriptionDecryptionError("the file was altered, moved from another name, or the key is wrong") \
            from None


def get_key_ring() -> KeyRing:
    from django.conf import settings

    return parse_keys(settings.PRESCRIPTION_ENCRYPTION_KEYS
                      or development_keys(Path(settings.PRESCRIPTION_DEVELOPMENT_KEY_FILE)))
