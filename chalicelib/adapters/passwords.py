"""Password hashing with argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane)."""

from __future__ import annotations

import functools


@functools.cache
def _hasher():
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


class Argon2PasswordHasher:
    def hash(self, password: str) -> str:
        return _hasher().hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _hasher().verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return _hasher().check_needs_rehash(stored_hash)

    def burn_time(self, password: str) -> None:
        """Spend what a real check spends, so an unknown e-mail answers as slowly as a known one."""
        self.verify(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")
