"""Envelope encryption of PII with KMS, and the keyed HMAC that lets a NIK be looked up.

Each record gets a 256-bit data key from KMS (`GenerateDataKey`), with the encryption context
`{"record": <record name>}`: KMS opens the key again only for that same record name, and the
context is in CloudTrail on every use. Values are encrypted with AES-256-GCM under the data key,
with the record and field name as associated data, so a ciphertext moved to another field or
record fails to open. Plaintext data keys live only for the call that needs them.

Lookups use an HMAC-SHA256 under a key held in Secrets Manager, never a plain hash: NIKs are
16 digits with a known layout, so an unkeyed hash of one is reversed by trying them all.
That key must not be rotated without re-indexing (docs/DEPLOY.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Mapping

from chalicelib.adapters import aws
from chalicelib.adapters.secret_store import CachedSecret
from chalicelib.config import Settings
from chalicelib.domain.pii import Sealed

NONCE_BYTES = 12
LOOKUP_KEY_REFRESH_SECONDS = 3600


class SealedValueUnreadable(Exception):
    """A ciphertext that does not open under its record's key: moved, altered or truncated."""


class KmsVault:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lookup_key = CachedSecret(settings, settings.pii_lookup_secret_id, LOOKUP_KEY_REFRESH_SECONDS,
                                        _derive_lookup_key)

    # ---- encryption ----------------------------------------------------------------------

    def seal(self, record: str, values: Mapping[str, str], sealed: Sealed | None = None) -> Sealed:
        """Encrypt `values` under the record's data key (a new one for a record without one),
        keeping the values already sealed for it."""
        if sealed is not None and sealed.record != record:
            raise ValueError("sealed values belong to another record")
        if sealed is None:
            key, data_key = self._new_data_key(record)
            kept: dict[str, str] = {}
        else:
            key, data_key, kept = self._data_key(record, sealed.data_key), sealed.data_key, dict(sealed.values)
        aead = _aead(key)
        for name, value in values.items():
            nonce = os.urandom(NONCE_BYTES)
            ciphertext = aead.encrypt(nonce, value.encode(), _associated(record, name))
            kept[name] = base64.b64encode(nonce + ciphertext).decode()
        return Sealed(record, data_key, kept)

    def open(self, sealed: Sealed) -> dict[str, str]:
        if not sealed.values:
            return {}
        aead = _aead(self._data_key(sealed.record, sealed.data_key))
        opened = {}
        for name, text in sealed.values.items():
            from cryptography.exceptions import InvalidTag

            raw = base64.b64decode(text)
            try:
                opened[name] = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(sealed.record, name)).decode()
            except InvalidTag:
                raise SealedValueUnreadable(f"{sealed.record} field {name}") from None
        return opened

    def _new_data_key(self, record: str) -> tuple[bytes, str]:
        reply = self._kms().generate_data_key(
            KeyId=self._settings.pii_key_id, KeySpec="AES_256", EncryptionContext={"record": record})
        return reply["Plaintext"], base64.b64encode(reply["CiphertextBlob"]).decode()

    def _data_key(self, record: str, data_key: str) -> bytes:
        return self._kms().decrypt(
            KeyId=self._settings.pii_key_id, CiphertextBlob=base64.b64decode(data_key),
            EncryptionContext={"record": record})["Plaintext"]

    def _kms(self):
        return aws.client(self._settings, "kms")

    # ---- lookups -------------------------------------------------------------------------

    def lookup_key(self, value: str) -> str:
        """The keyed HMAC a value is indexed and found under."""
        return hmac.new(self._lookup_key.get(), f"nik:{value}".encode(), hashlib.sha256).hexdigest()


def _derive_lookup_key(secret: str) -> bytes:
    # Derived, so the stored secret is never itself the HMAC key of anything else.
    return hmac.new(secret.encode(), b"satupintu/nik-lookup/v1", hashlib.sha256).digest()


def _aead(key: bytes):
    # Imported here: only the calls that seal or open pay for loading it.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _associated(record: str, name: str) -> bytes:
    return f"{record}#{name}".encode()
