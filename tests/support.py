"""Helpers the suites share: a small client over chalice.test.Client or over HTTP, with the
moves every test makes (register through the mailbox, log in, file an application)."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

DEMO_PASSWORD = "satupintu-demo"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.id"


def unique_tag() -> str:
    """Ten random hex digits, for names and codes a test needs unique within a run (a slice of
    unique_email() kept three: two dams in one run drew the same register code)."""
    return uuid.uuid4().hex[:10]


def require_system(name: str, available: bool) -> None:
    """Skip a test whose system package is missing, unless CI said it must be there."""
    if available:
        return
    required = {n for n in os.environ.get("SATUPINTU_REQUIRED_SYSTEM", "").split(",") if n}
    if name in required:
        pytest.fail(f"{name} is required here (SATUPINTU_REQUIRED_SYSTEM) but is not installed")
    pytest.skip(f"{name} is not installed")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0]


class _Client:
    """The calls tests make; `_send` differs between in-process and HTTP."""

    def _send(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        raise NotImplementedError

    def call(self, method: str, path: str, body: Any = None, token: str | None = None,
             raw: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        return self._send(method, path, all_headers, payload)

    def get(self, path: str, **kw: Any) -> Answer:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Answer:
        return self.call("DELETE", path, **kw)

    # ---- the moves every test makes ----------------------------------------------------

    def mail(self, to: str) -> list[dict[str, Any]]:
        answer = self.get(f"/_local/mail?to={to}")
        assert answer.status == 200, answer.text
        return answer.json["items"]

    def wait_for_mail(self, to: str, subject_contains: str = "", timeout: float = 10.0, known: int = 0) -> dict[str, Any]:
        """The newest e-mail to `to` whose subject contains the text, once more than `known`
        such e-mails have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.deliver_mail()
            matching = [item for item in self.mail(to) if subject_contains in item["subject"]]
            if len(matching) > known:
                return matching[0]
            time.sleep(0.1)
        raise AssertionError(f"no new e-mail to {to} with {subject_contains!r} within {timeout} s")

    def deliver_mail(self) -> None:
        """Over HTTP the stack's worker delivers; in-process tests deliver themselves."""

    def login(self, email: str, password: str = DEMO_PASSWORD) -> str:
        answer = self.post("/auth/login", {"email": email, "password": password})
        assert answer.status == 200, answer.text
        return answer.json["access_token"]

    def register_verified(self, email: str | None = None, password: str = "correct horse 1", name: str = "Warga Uji",
                          language: str = "id") -> tuple[str, str]:
        """Register, read the code from the mailbox, verify, log in: (email, access token)."""
        email = email or unique_email()
        known = len(self.mail(email))
        answer = self.post("/auth/register", {"email": email, "password": password, "name": name, "language": language})
        assert answer.status == 202, answer.text
        code = read_code(self.wait_for_mail(email, known=known))
        answer = self.post("/auth/verify", {"email": email, "code": code})
        assert answer.status == 200, answer.text
        return email, self.login(email, password)


def eventually(check: Any, timeout: float = 30.0, every: float = 0.2, what: str = "the condition") -> Any:
    """Poll `check` until it answers something true; that answer."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(every)


def read_code(mail: dict[str, Any]) -> str:
    found = re.search(r"\b(\d{6})\b", mail["text"])
    assert found, mail["text"]
    return found.group(1)


class Api(_Client):
    """The app in-process (chalice.test.Client) against the emulator."""

    def __init__(self, client: Any, deps: Any) -> None:
        self.client = client
        self.deps = deps

    def _send(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        response = self.client.http.request(method, path, headers=headers, body=body)
        text = response.body.decode() if isinstance(response.body, bytes) else (response.body or "")
        return Answer(response.status_code, dict(response.headers), text)

    def deliver_mail(self) -> None:
        deliver_queue(self.deps, "carry_out_account_requests")  # registrations, reset requests
        deliver_queue(self.deps, "notify")

    def scan(self) -> int:
        return deliver_queue(self.deps, "scan_upload")

    def settle_counters(self) -> int:
        return settle_counters(self.deps)


def deliver_queue(deps: Any, function_name: str) -> int:
    """Play the worker once for one queue function, in-process."""
    import app as app_module
    from local.worker import QueuePoller

    from chalicelib import local_runtime

    for name, queue, batch_size in local_runtime.queue_functions(app_module.app):
        if name == function_name:
            poller = QueuePoller(app_module.app, name, queue, batch_size, deps.settings.aws_region,
                                 deps.settings.aws_endpoint_url)
            delivered = 0
            while poller.poll_once():
                delivered += 1
            return delivered
    raise KeyError(function_name)


_stream_pollers: dict[str, Any] = {}


def settle_counters(deps: Any) -> int:
    """Play Lambda's part for the table's stream once, in-process: aggregate_counters is handed
    every record written since the last settle, so the counters count every change made so far
    (on AWS they follow a change by about a second). Answers how many records were handed."""
    import app as app_module
    from local.stream_poller import StreamPoller

    settings = deps.settings
    poller = StreamPoller(app_module.app, "aggregate_counters", 100, settings.table_name, settings.aws_region,
                          settings.aws_endpoint_url)
    # One poller per stream: it remembers how far each shard was handed (a module's world of its
    # own, the emulator reset, has a new table and so a new stream).
    poller = _stream_pollers.setdefault(poller.find_stream(), poller)
    return poller.drain()


class HttpApi(_Client):
    """The running local stack, over HTTP."""

    def __init__(self, base_url: str, emulator_url: str | None = None) -> None:
        import requests

        self.base_url = base_url
        self.emulator_url = emulator_url
        self.session = requests.Session()

    def _send(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        response = self.session.request(method, self.base_url + path, headers=headers, data=body or None, timeout=30)
        return Answer(response.status_code, dict(response.headers), response.text)

    def settle_counters(self, timeout: float = 30.0) -> None:
        """Wait until the stack's worker has counted every change made so far: no counter-moves
        item is left in the table (aggregate_counters deletes each one it counts)."""
        import boto3

        from chalicelib.adapters.dynamodb.counters import MOVE_LANES, MOVES_PREFIX
        from local.stack import REGION

        assert self.emulator_url, "HttpApi(..., emulator_url=…) to settle counters"
        dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=self.emulator_url,
                                aws_access_key_id="local", aws_secret_access_key="local")

        def nothing_left() -> bool:
            return not any(dynamodb.query(TableName="satupintu", KeyConditionExpression="pk = :lane", Limit=1,
                                          ExpressionAttributeValues={":lane": {"S": f"{MOVES_PREFIX}{lane:02d}"}})["Items"]
                           for lane in range(MOVE_LANES))

        eventually(nothing_left, timeout=timeout, every=0.1, what="the counters to count every change")


# ---- fixtures built through the stores (fast), for tests that need their own corner -----------

def make_user(deps: Any, grants: list[tuple[str, str]] = (), password: str = "correct horse 1",
              name: str = "Petugas Uji") -> tuple[Any, str]:
    """An active account holding `grants` [(role, node_id)]; answers (user, password)."""
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.people import Grant, User

    user = User(id=new_id("usr"), email=unique_email("staff"), name=name, language="id", status="active",
                password_hash=deps.password_hasher.hash(password), created_at=deps.clock.now(),
                grants=tuple(Grant(r, n) for r, n in grants))
    deps.users.create(user, None, user.grants, granted_by="test")
    return user, password


def make_people(api: Any, roles_by_key: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """One logged-in account per key, holding its roles (none: an applicant). Answers, per key,
    the access token under `key` and `key_id`, `key_email`, `key_password`."""
    people: dict[str, str] = {}
    for key, grants in roles_by_key.items():
        user, password = make_user(api.deps, grants, name=key.replace("_", " ").title())
        people[key] = api.login(user.email, password)
        people.update({f"{key}_id": user.id, f"{key}_email": user.email, f"{key}_password": password})
    return people


def make_office_tree(deps: Any, parent: str = "org-demo") -> dict[str, str]:
    """A fresh office → department → two desks under `parent`, so a test can count what it
    makes. Answers {"office": id, "department": id, "desk": id, "desk2": id}."""
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.org import Node

    def add(key: str, kind: str, above: Node) -> Node:
        node_id = new_id("node")
        node = Node(id=node_id, kind=kind, name=f"{key} {uuid.uuid4().hex[:6]}", parent_id=above.id,
                    path=above.path + (node_id,), path_kinds=above.path_kinds + (kind,))
        deps.org_store.create(node, deps.clock.now())
        return node

    office = add("office", "office", deps.org_store.get(parent))
    department = add("department", "department", office)
    desk = add("desk", "desk", department)
    desk2 = add("desk", "desk", department)
    return {"office": office.id, "department": department.id, "desk": desk.id, "desk2": desk2.id}


# ---- uploads ------------------------------------------------------------------------------------

def post_file(upload: dict[str, Any], filename: str, content_type: str, data: bytes, key: str | None = None) -> int:
    """What the browser does with a presigned POST: the form fields, then the file."""
    import requests

    fields = dict(upload["fields"])
    if key is not None:
        fields["key"] = key  # a client breaking the rules (S3 would refuse; the emulator does not)
    answer = requests.post(upload["url"], data=fields, files={"file": (filename, data, content_type)}, timeout=30)
    return answer.status_code


def upload_document(api: Any, token: str, app_id: str, requirement: str, filename: str, content_type: str,
                    data: bytes, declared_size: int | None = None, scan: bool = True) -> dict[str, Any]:
    """Ask for an upload, post the file, and (in-process) let the scan function run."""
    offered = api.post(f"/applications/{app_id}/documents", {
        "requirement": requirement, "filename": filename, "content_type": content_type,
        "size": len(data) if declared_size is None else declared_size,
    }, token=token)
    assert offered.status == 201, offered.text
    assert post_file(offered.json["upload"], filename, content_type, data) in (200, 201, 204)
    if scan:
        api.scan()
    return offered.json


def document(api: Any, token: str, app_id: str, document_id: str) -> dict[str, Any]:
    items = api.get(f"/applications/{app_id}/documents", token=token).json["items"]
    return next(d for d in items if d["document_id"] == document_id)


def make_sales_tree(deps: Any, parent: str = "org-demo") -> dict[str, str]:
    """A fresh area → region → branch → two clusters (the marketing-fee territories), so a test
    can count what it makes. Answers {"area", "region", "branch", "cluster_a", "cluster_b"}."""
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.org import Node

    def add(kind: str, name: str, above: Node) -> Node:
        node_id = new_id("node")
        node = Node(id=node_id, kind=kind, name=f"{name} {uuid.uuid4().hex[:6]}", parent_id=above.id,
                    path=above.path + (node_id,), path_kinds=above.path_kinds + (kind,))
        deps.org_store.create(node, deps.clock.now())
        return node

    area = add("area", "Area", deps.org_store.get(parent))
    region = add("region", "Region", area)
    branch = add("branch", "Branch", region)
    cluster_a = add("cluster", "Cluster A", branch)
    cluster_b = add("cluster", "Cluster B", branch)
    return {"area": area.id, "region": region.id, "branch": branch.id, "cluster_a": cluster_a.id,
            "cluster_b": cluster_b.id}


def approve_report(api: Any, app_id: str, *tokens: str) -> dict[str, Any]:
    """A spending report approved along its chain (branch manager, MCOT, region): one token a
    step, in order. Answers the application as the last decision left it."""
    answer = None
    for step, token in enumerate(tokens, start=1):
        answer = api.post(f"/applications/{app_id}/decision", {"action": "approve", "step": step}, token=token)
        assert answer.status == 200, answer.text
    assert answer is not None
    return answer.json


def file_spending_report(api: Any, token: str, cluster: str, category: str, amount: int, spent_on: str,
                         photo: bytes | None = None, submit: bool = True) -> dict[str, Any]:
    """A marketing-fee report with its evidence photo, scanned (in-process), and submitted."""
    from tests import files

    answer = api.post("/applications", {"service_id": "marketing-fee-report", "node_id": cluster, "data": {
        "category": category, "activity": f"Kegiatan {category} {amount}", "spent_on": spent_on, "amount": amount,
        "payee": "Toko Maju Jaya", "description": "Pembagian brosur dan perlengkapan outlet."}}, token=token)
    assert answer.status == 201, answer.text
    app = answer.json
    photo = photo or files.jpeg_with_gps()
    is_png = photo.startswith(b"\x89PNG")
    upload_document(api, token, app["id"], "evidence_photo", "bukti.png" if is_png else "bukti.jpg",
                    "image/png" if is_png else "image/jpeg", photo)
    if submit:
        submitted = api.post(f"/applications/{app['id']}/submit", token=token)
        assert submitted.status == 200, submitted.text
        return submitted.json
    return app
