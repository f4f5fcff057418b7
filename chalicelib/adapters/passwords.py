"""Password hashing with argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane).

The test suite hashes a few hundred passwords; at OWASP's cost that is a tenth of its time. As
Django's test settings swap in a fast hasher, the tests ask for argon2id at its least cost
(`PASSWORD_HASH_COST=test`, which settings refuse on every stage but local). A hash records its
own parameters, so either kind is verified by either hasher; `needs_rehash` upgrades a cheap one.
"""

from __future__ import annotations

import functools

# (passes, memory in KiB)
COSTS = {"owasp": (2, 19 * 1024), "test": (1, 8)}


@functools.cache
def _hasher(cost: str = "owasp"):
    from argon2 import PasswordHasher, Type

    time_cost, memory_cost = COSTS[cost]
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1, hash_len=32, salt_len=16,
                          type=Type.ID)


class Argon2PasswordHasher:
    def __init__(self, cost: str = "owasp") -> None:
        self.cost = cost

    def hash(self, password: str) -> str:
        return _hasher(self.cost).hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _hasher(self.cost).verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return _hasher(self.cost).check_needs_rehash(stored_hash)

    def burn_time(self, password: str) -> None:
        """Spend what a real check spends, so an unknown e-mail answers as slowly as a known one."""
        self.verify(_dummy_hash(self.cost), password)


@functools.cache
def _dummy_hash(cost: str) -> str:
    return _hasher(cost).hash("not-a-real-password")
