"""The signing-key secret, read from Secrets Manager on first use and again every few minutes,
so that a rotated secret reaches every running container without a redeploy."""

from __future__ import annotations

import threading
import time

from chalicelib.adapters import aws
from chalicelib.config import Settings
from chalicelib.domain.credentials import KeyRing

REFRESH_SECONDS = 300


class SecretsManagerKeyRing:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._keys: KeyRing | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> KeyRing:
        if self._keys is None or time.monotonic() - self._read_at > REFRESH_SECONDS:
            with self._lock:
                if self._keys is None or time.monotonic() - self._read_at > REFRESH_SECONDS:
                    value = aws.client(self._settings, "secretsmanager").get_secret_value(
                        SecretId=self._settings.app_secret_id
                    )["SecretString"]
                    self._keys = KeyRing.from_secret(value)
                    self._read_at = time.monotonic()
        return self._keys
