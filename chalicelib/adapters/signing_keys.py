"""The signing-key secret, read from Secrets Manager on first use and kept for the process."""

from __future__ import annotations

import threading

from chalicelib.adapters import aws
from chalicelib.config import Settings
from chalicelib.domain.credentials import KeyRing


class SecretsManagerKeyRing:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._keys: KeyRing | None = None
        self._lock = threading.Lock()

    def get(self) -> KeyRing:
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    value = aws.client(self._settings, "secretsmanager").get_secret_value(
                        SecretId=self._settings.app_secret_id
                    )["SecretString"]
                    self._keys = KeyRing.from_secret(value)
        return self._keys
