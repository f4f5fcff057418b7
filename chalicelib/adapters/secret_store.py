"""Secrets Manager: a secret's value read when it is needed, and one kept for a while and read
again once it is `refresh_seconds` old, so that a rotated secret reaches every running container
without a redeploy (the signing keys, the NIK lookup key)."""

from __future__ import annotations

import threading
import time
from typing import Callable, Generic, TypeVar

from chalicelib.adapters import aws
from chalicelib.config import Settings

T = TypeVar("T")


def read_secret(settings: Settings, secret_id: str) -> str:
    return aws.client(settings, "secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]


class CachedSecret(Generic[T]):
    def __init__(self, settings: Settings, secret_id: str, refresh_seconds: float, parse: Callable[[str], T]) -> None:
        self._settings = settings
        self._secret_id = secret_id
        self._refresh_seconds = refresh_seconds
        self._parse = parse  # the secret string → what callers use (parsed once per read)
        self._value: T | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def _stale(self) -> bool:
        return self._value is None or time.monotonic() - self._read_at > self._refresh_seconds

    def get(self) -> T:
        if self._stale():
            with self._lock:
                if self._stale():
                    self._value = self._parse(read_secret(self._settings, self._secret_id))
                    self._read_at = time.monotonic()
        return self._value
