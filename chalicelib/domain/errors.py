"""What can go wrong in the domain, with no HTTP in it.

The API maps each class to a problem type and status in one place (`chalicelib.api.problems`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One bad input field: where it is (dotted path) and what is wrong with it.

    `detail` is the English sentence (the API says it in the reader's language from
    chalicelib/domain/messages.py); `code` (and `params`) name the rule that failed, so that a
    client can word it itself (the web app's catalogues key on these codes:
    web/src/i18n/messages/problems.ts)."""

    field: str
    detail: str
    code: str = "invalid"
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # The field's name as the catalog labels it (a messages.Label), said before `detail` in
    # the reader's language ("Nama pemohon wajib diisi").
    label: Any = field(default=None, compare=False, hash=False)


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(DomainError):
    """The request is well formed but its content breaks a rule; names each bad field."""

    def __init__(self, detail: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.problems = problems or []


class NotAuthenticated(DomainError):
    """No caller, or a caller whose credentials do not hold."""


class InvalidCredentials(NotAuthenticated):
    """Wrong e-mail or password, or a code that does not match: never says which."""


class AccountNotVerified(DomainError):
    """The password is right but the e-mail address has not been verified yet."""


class Forbidden(DomainError):
    """The caller can see the thing but may not do this to it."""


class NotFound(DomainError):
    """Does not exist, or lies outside the caller's reach (the two are never told apart)."""


class Conflict(DomainError):
    """The thing changed under the caller (a stale version or step) or is in the wrong state."""


class TooManyAttempts(DomainError):
    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """A dependency did not answer; the request may be retried as is."""
