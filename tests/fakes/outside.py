"""Stand-ins for what is outside the table: a clock that moves only when told, queues that keep
what they were sent, storage in a dict, and registries and receivers that answer from a script."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from chalicelib.domain.credentials import KeyRing
from chalicelib.domain.errors import NotAuthenticated
from chalicelib.domain.pii import Sealed
from chalicelib.domain.integrations import Reply
from chalicelib.services.ports import ObjectGone, ObjectTooLarge


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


class FakeJobQueue:
    def __init__(self) -> None:
        self.jobs: list[dict[str, Any]] = []
        self.broken = False  # True: every send raises, as SQS that does not answer
        self.on_send: Callable[[dict[str, Any]], None] | None = None  # a worker taking each job at once
        self.delayed: list[tuple[dict[str, Any], int]] = []  # (job, seconds held back) of each sent later

    def send(self, job: dict[str, Any]) -> None:
        if self.broken:
            raise ConnectionError("the queue does not answer")
        self.jobs.append(job)
        if self.on_send is not None:
            self.on_send(job)

    def send_many(self, jobs: list[dict[str, Any]]) -> None:
        for job in jobs:
            self.send(job)

    def send_later(self, job: dict[str, Any], delay_seconds: int, attributes: dict[str, str]) -> None:
        self.delayed.append((job, delay_seconds))
        self.send(job)


@dataclass(frozen=True)
class FakeStoredObject:
    data: bytes
    version_id: str | None
    etag: str
    size: int


class FakeStorage:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.served: dict[str, bytes] = {}
        self.quarantined: dict[str, bytes] = {}
        self.removed: list[str] = []

    def presign_upload(self, key: str, content_type: str, size: int) -> dict[str, Any]:
        return {"url": f"https://uploads.example/{key}", "fields": {"key": key, "Content-Type": content_type}}

    def locate(self, key: str, etag: str, version_id: str | None) -> str:
        if key not in self.objects:
            raise ObjectGone(key)
        return version_id or f"etag-{etag.strip(chr(34))}"

    def read(self, key: str, etag: str, version_id: str | None, max_bytes: int) -> FakeStoredObject:
        if key not in self.objects:
            raise ObjectGone(key)
        data = self.objects[key]
        if len(data) > max_bytes:
            raise ObjectTooLarge(len(data))
        return FakeStoredObject(data, version_id, etag.strip('"'), len(data))

    def write_served(self, key: str, data: bytes, content_type: str) -> str | None:
        self.served[key] = data
        return f"v{len(self.served)}"

    def read_served(self, key: str, version_id: str | None, max_bytes: int) -> bytes:
        return self.served[key][:max_bytes]

    def quarantine(self, source_key: str, version_id: str | None, target_key: str) -> None:
        if source_key not in self.objects:
            raise ObjectGone(source_key)
        self.quarantined[target_key] = self.objects[source_key]

    def quarantine_bytes(self, target_key: str, data: bytes) -> None:
        self.quarantined[target_key] = data

    def remove(self, key: str, version_id: str | None = None) -> None:
        self.objects.pop(key, None)
        self.removed.append(key)

    def remove_all_versions(self, key: str) -> None:
        self.remove(key)
        self.served.pop(key, None)

    def presign_download(self, key: str, version_id: str | None, filename: str, content_type: str) -> str:
        return f"https://served.example/{key}?v={version_id}&name={filename}"


@dataclass(frozen=True)
class FakeVerdict:
    status: str = "clean"
    detail: str = ""


class FakeAntivirus:
    """Answers `verdict`, or each of `upcoming` in turn first (an engine that answers later)."""

    def __init__(self, verdict: FakeVerdict = FakeVerdict()) -> None:
        self.verdict = verdict
        self.upcoming: list[FakeVerdict] = []
        self.asked: list[tuple[str, str]] = []

    def scan(self, data: bytes, key: str, version_id: str) -> FakeVerdict:
        self.asked.append((key, version_id))
        return self.upcoming.pop(0) if self.upcoming else self.verdict


class FakeVault:
    """Seals by reversing the text (enough to prove nothing is stored in the clear)."""

    def seal(self, record: str, values: Mapping[str, str], sealed: Sealed | None = None) -> Sealed:
        kept = dict(sealed.values) if sealed is not None else {}
        kept.update({name: value[::-1] for name, value in values.items()})
        return Sealed(record, "fake-data-key", kept)

    def open(self, sealed: Sealed) -> dict[str, str]:
        return {name: value[::-1] for name, value in sealed.values.items()}

    def lookup_key(self, value: str) -> str:
        return f"lk-{value[::-1]}"


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.tags: list[dict[str, str]] = []
        self.broken = False

    def send(self, to: str, subject: str, text: str, html: str | None = None,
             tags: dict[str, str] | None = None) -> str:
        if self.broken:
            raise ConnectionError("SES does not answer")
        self.sent.append((to, subject, text))
        self.tags.append(tags or {})
        return f"msg-{len(self.sent)}"


class FakeHasher:
    def __init__(self) -> None:
        self.burnt = 0  # verifications spent for accounts without a hash

    def hash(self, password: str) -> str:
        return f"hash:{password}"

    def verify(self, stored_hash: str, password: str) -> bool:
        return stored_hash == f"hash:{password}"

    def needs_rehash(self, stored_hash: str) -> bool:
        return False

    def burn_time(self, password: str) -> None:
        self.burnt += 1


@dataclass(frozen=True)
class FakeClaims:
    user_id: str
    session_family: str
    session_epoch: int


class FakeAccessTokens:
    lifetime_seconds = 900

    def issue(self, user_id: str, session_family: str, session_epoch: int) -> str:
        return f"at|{user_id}|{session_family}|{session_epoch}"

    def verify(self, token: str) -> FakeClaims:
        parts = token.split("|")
        if len(parts) != 4 or parts[0] != "at":
            raise NotAuthenticated("not a token of ours")
        return FakeClaims(parts[1], parts[2], int(parts[3]))


class FakeKeys:
    def __init__(self, secret: str = "unit-test-secret") -> None:
        self.ring = KeyRing.from_secret(secret)

    def get(self) -> KeyRing:
        return self.ring


class FakeNotifier:
    """The notification service as the account service uses it (mail to one owner)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
        self.at_once: list[bool] = []  # sent from a worker, without queuing first

    def send_direct(self, user_id: str, kind: str, params: dict[str, Any], secret: dict[str, Any] | None = None,
                    at_once: bool = False) -> None:
        self.sent.append((user_id, kind, params, secret or {}))
        self.at_once.append(at_once)

    def kinds(self) -> list[str]:
        return [kind for _user, kind, _params, _secret in self.sent]


@dataclass
class ScriptedReplies:
    """Answers in the order given, the last one repeated; every call is recorded."""

    replies: list[Reply]
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def next(self, *call: Any) -> Reply:
        self.calls.append(call)
        return self.replies[min(len(self.calls), len(self.replies)) - 1]


class FakeWebhooks:
    timeout = 5.0

    def __init__(self, *replies: Reply) -> None:
        self.script = ScriptedReplies(list(replies) or [Reply(200)])

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Reply:
        return self.script.next(url, body, headers)


class FakeBios:
    timeout = 5.0

    def __init__(self, *replies: Reply, token_error: Exception | None = None) -> None:
        self.script = ScriptedReplies(list(replies) or [Reply(200, {"status": "MSG20003"})])
        self.token_error = token_error
        self.tokens = 0

    def token(self, renew: bool = False) -> str:
        if self.token_error is not None:
            raise self.token_error
        if renew or not self.tokens:
            self.tokens += 1
        return f"token-{self.tokens}"

    def post(self, dataset: str, fields: dict[str, Any], token: str) -> Reply:
        return self.script.next(dataset, dict(fields), token)


class FakeCivilRegistry:
    timeout = 5.0

    def __init__(self, *replies: Reply, nik_match: bool | None = True) -> None:
        self.script = ScriptedReplies(list(replies) or [Reply(201, {"registry_id": "REG-1"})])
        self.nik_match = nik_match

    def send_event(self, idempotency_key: str, body: dict[str, Any]) -> Reply:
        return self.script.next(idempotency_key, body)

    def verify_nik(self, nik: str, name: str, birth_date: str) -> bool | None:
        return self.nik_match


class FakeMetrics:
    """Counts as the services report them: (name, value, dimensions)."""

    def __init__(self) -> None:
        self.counted: list[tuple[str, int, dict[str, str]]] = []

    def count(self, name: str, value: int = 1, **dimensions: str) -> None:
        self.counted.append((name, value, dimensions))

    def names(self) -> list[str]:
        return [name for name, _value, _dimensions in self.counted]
