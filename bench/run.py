"""`make bench`: the numbers the issues set targets for, written to docs/BENCHMARKS.md.

1. Cold-start import time of `app` against a bare Chalice app that imports boto3 (target: a
   ratio of at most 1.3), and whether fpdf2 is loaded by the API (it must not be).
2. For every route, the AWS calls one request makes with 100 and with 100,000 applications in
   the table, and as many days of readings held by the dams (target: the same number at both
   sizes). Calls are counted by the emulator itself. At the larger size, a search over 1,000
   regulations is also timed (bench/dams.py).
3. The web app: initial JavaScript and how fast the inbox shows (bench/web.py).
4. The emulator: a call's cost at 100 and 100,000 items, and the worker's idle polling
   (bench/emulator.py).
5. Load: application lifecycles at a constant arrival rate, measured with Locust against a local
   stack of its own (bench/load.py; about 15 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.shared import free_port as _free_port  # noqa: E402 - needs the project on the path

IMPORT_RUNS = 15
# Regulations added to the library before the large size's measurements (the demo has ten).
LIBRARY_ENTRIES = 1000


# ---- 1. import time -----------------------------------------------------------------------

def _time_import(module: str, cwd: Path) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return float(result.stdout.strip())


_FIRST_REQUEST = """
import time
t = time.perf_counter()
import {module} as m
event = {{"resource": "{path}", "path": "{path}", "httpMethod": "GET", "headers": {{}}, "multiValueHeaders": {{}},
          "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
          "stageVariables": None, "body": None, "isBase64Encoded": False,
          "requestContext": {{"resourcePath": "{path}", "httpMethod": "GET", "path": "/api{path}", "stage": "api",
                              "identity": {{"sourceIp": "127.0.0.1"}}}}}}
answer = m.app(event, None)
assert answer["statusCode"] == 200, answer
print(time.perf_counter() - t)
"""
_SETTINGS = {"STAGE": "bench", "TABLE_NAME": "satupintu", "APP_SECRET_ID": "x", "MAIL_FROM": "a@b.id",
             "WEB_BASE_URL": "http://127.0.0.1", "AWS_DEFAULT_REGION": "ap-southeast-3",
             "UPLOADS_BUCKET": "u", "QUARANTINE_BUCKET": "q", "PII_KEY_ID": "alias/k", "PII_LOOKUP_SECRET_ID": "s"}


def _time_first_request(module: str, path: str, cwd: Path) -> float:
    result = subprocess.run([sys.executable, "-c", _FIRST_REQUEST.format(module=module, path=path)], cwd=cwd,
                            capture_output=True, text=True, check=True,
                            env={**os.environ, **_SETTINGS, "PYTHONDONTWRITEBYTECODE": "1"})
    return float(result.stdout.strip().splitlines()[-1])


COLD_PROCESS_PAIRS = 15


def _cold_process(module: str, path: str, cwd: Path) -> tuple[float, float]:
    """A whole cold process, timed from outside: interpreter start, import, one request answered.
    Answers (wall seconds, CPU seconds of the process)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _FIRST_REQUEST.format(module=module, path=path)], cwd=cwd,
                   capture_output=True, text=True, check=True,
                   env={**os.environ, **_SETTINGS, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_processes(bare: Path) -> dict:
    """`GET /services` from a cold process, against the bare app answering the same route; paired
    runs, alternating, so a busy moment of the machine weighs on both. Target: ratio ≤ 1.3."""
    _cold_process("bare_app", "/services", bare), _cold_process("app", "/services", PROJECT)  # warm the file cache
    pairs = [(_cold_process("bare_app", "/services", bare), _cold_process("app", "/services", PROJECT))
             for _ in range(COLD_PROCESS_PAIRS)]
    return {
        "bare_wall": statistics.median(b[0] for b, _ in pairs), "app_wall": statistics.median(a[0] for _, a in pairs),
        "bare_cpu": statistics.median(b[1] for b, _ in pairs), "app_cpu": statistics.median(a[1] for _, a in pairs),
        "wall_ratio": statistics.median(a[0] / b[0] for b, a in pairs),
        "cpu_ratio": statistics.median(a[1] / b[1] for b, a in pairs),
    }


def import_times() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp)
        (bare / "bare_app.py").write_text(
            "import boto3\nfrom chalice import Chalice\napp = Chalice(app_name='bare')\n\n"
            "@app.route('/health')\ndef health():\n    return {'status': 'ok'}\n\n"
            "@app.route('/services')\ndef services():\n    return {'items': []}\n"
        )
        cold = cold_processes(bare)
        first = {
            "bare": statistics.median(_time_first_request("bare_app", "/health", bare) for _ in range(5)),
            "health": statistics.median(_time_first_request("app", "/health", PROJECT) for _ in range(5)),
            "services": statistics.median(_time_first_request("app", "/services", PROJECT) for _ in range(5)),
        }
        _time_import("bare_app", bare), _time_import("app", PROJECT)  # warm the OS file cache
        pairs = [(_time_import("bare_app", bare), _time_import("app", PROJECT)) for _ in range(IMPORT_RUNS)]
    bare_times, app_times = [p[0] for p in pairs], [p[1] for p in pairs]
    check = subprocess.run([sys.executable, "-c", (
        "import sys, app\n"
        "print('fpdf' in sys.modules, 'pydantic' in sys.modules, 'pynamodb' in sys.modules)"
    )], cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    return {
        "bare_median": statistics.median(bare_times),
        "app_median": statistics.median(app_times),
        "ratio_median": statistics.median(a / b for b, a in pairs),
        "ratio_one_run": pairs[-1][1] / pairs[-1][0],
        "fpdf_at_import": check[0] == "True",
        "pydantic_at_import": check[1] == "True",
        "pynamodb_at_import": check[2] == "True",
        "first_request": first,
        "cold": cold,
    }


# ---- 2. AWS calls per route ---------------------------------------------------------------

class Bench:
    def __init__(self) -> None:
        warnings.filterwarnings("ignore")
        from local.emulator import serve
        from local.provision import provision
        from local.stack import REGION, chalice_stage_environment

        port = _free_port()
        self.server, self.emulator = serve("127.0.0.1", port, REGION)
        endpoint = f"http://127.0.0.1:{port}"
        self.state = Path(tempfile.mkdtemp(prefix="satupintu-bench-"))
        os.environ.update(chalice_stage_environment("local"))
        os.environ.update({
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint, "LOCAL_STATE_DIR": str(self.state),
            "LOCAL_MAILBOX_URL": f"{endpoint}/_emulator/mail",
            "CLAMAV_DATABASE": str(PROJECT / "local" / "clamav"),
            # The emulator copies the whole table for every transaction (moto's rollback), so at
            # 10,000 applications a transaction takes seconds there, never on DynamoDB.
            "DYNAMODB_READ_TIMEOUT_SECONDS": "120",
        })
        provision(endpoint, REGION, {"MailFromAddress": "no-reply@satupintu.local"})
        from chalicelib import deps
        from local.seed import seed_demo

        deps.reset()
        seed_demo(self.state / "demo.json")
        self.deps = deps.container()
        import app as app_module
        from chalice.test import Client

        self.client = Client(app_module.app, stage_name="local", project_dir=str(PROJECT))
        self.loaded = self._count_applications()

    def _count_applications(self) -> int:
        return count_applications()

    # ---- requests -----------------------------------------------------------------------

    def call(self, method: str, path: str, body=None, token: str | None = None):
        import json

        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body).encode() if body is not None else b""
        response = self.client.http.request(method, path, headers=headers, body=payload)
        text = response.body.decode() if isinstance(response.body, bytes) else response.body
        is_json = "json" in response.headers.get("Content-Type", "application/json")
        return response.status_code, (json.loads(text) if text and is_json else text)

    def counted(self, method: str, path: str, body=None, token: str | None = None) -> tuple[int, int, dict]:
        # The signing keys are re-read from Secrets Manager every few minutes per container: a
        # cost of time, not of the request. Let a refresh that is due happen outside the count
        # (measuring at 100,000 applications takes longer than the refresh period).
        self.deps.keys.get()
        # What a container keeps for a minute (the offices' calendars, the subscriptions) is
        # read as by the first request of its minute: whether the previous read is still fresh
        # depends on how long the measuring took (longer at 100,000), not on the request.
        self.deps.org_store.forget_recent()
        self.deps.subscription_store.forget()
        before = sum(self.emulator.calls.values())
        status, answer = self.call(method, path, body, token)
        return status, sum(self.emulator.calls.values()) - before, answer

    def login(self, who: str) -> str:
        status, answer = self.call("POST", "/auth/login", {"email": f"{who}@demo.satupintu.id",
                                                             "password": "satupintu-demo"})
        assert status == 200, answer
        return answer["access_token"]

    def queued_code(self, email: str) -> str:
        """The code e-mailed to `email` (not counted): the registration or reset request the
        route queued is carried out as the notification function would, then the code read
        from the emulator's mailbox."""
        import json
        import re

        from chalicelib.adapters import aws
        from chalicelib.services.accounts import AccountRequest

        url = self.deps.account_jobs._queue_url()
        client = aws.client(self.deps.settings, "sqs")
        while messages := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                job = json.loads(message["Body"])
                if job.get("type") == "account" and job.get("email") == email:
                    self.deps.accounts.carry_out(AccountRequest.from_job(job))
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        mails = [m for m in self.emulator.mailbox() if email in m["to"]]  # the newest first
        found = re.search(r"\b(\d{6})\b", mails[0]["text"]) if mails else None
        assert found, f"no code mailed to {email}"
        return found.group(1)

    def _notification_for(self, email: str) -> str:
        """An unread notification for `email`, written as the fan-out writes one (not counted)."""
        from chalicelib.domain.ids import new_id
        from chalicelib.domain.notifications import Notification

        notification = Notification(id=new_id("ntf"), user_id=self.deps.users.user_id_for_email(email),
                                    kind="roles_granted", params={"roles": "submitter — Kelurahan Kukusan", "link": "/"},
                                    created_at=self.deps.clock.now())
        self.deps.notification_store.add(notification)
        return notification.id

    def _upload_and_scan(self, app_id: str, document_id: str, data: bytes) -> None:
        """What the browser and the scan function do between the API's calls (not counted)."""
        import boto3

        s3 = boto3.client("s3", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])
        key = f"incoming/{app_id}/{document_id}"
        etag = s3.put_object(Bucket=self.deps.settings.uploads_bucket, Key=key, Body=data, ContentType="image/png")["ETag"]
        assert self.deps.documents.scan(key, etag, None) == "clean"

    def _approved_permit(self, applicant: str) -> dict:
        """A business permit filed, documented and approved through its three steps (not counted)."""
        _status, app = self.call("POST", "/applications", {
            "service_id": "city-business-permit", "node_id": "dpmptsp-front-office", "data": {
                "owner_nik": "3276061708850003", "owner_name": "Bench Pemilik", "owner_npwp": "01.855.081.4-005.000",
                "owner_phone": "081234567890", "business_name": "Usaha Bench", "business_address": "Jl. Bench 1",
                "kbli": "56303", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2}}, token=applicant)
        for requirement in ("ktp", "npwp_card"):
            _status, offered = self.call("POST", f"/applications/{app['id']}/documents", {
                "requirement": requirement, "filename": f"{requirement}.png", "content_type": "image/png",
                "size": len(_PNG)}, token=applicant)
            self._upload_and_scan(app["id"], offered["document_id"], _PNG)
        status, app = self.call("POST", f"/applications/{app['id']}/submit", token=applicant)
        assert status == 200, app
        for step, who in ((1, "fo.dpmptsp"), (2, "teknis.dpmptsp"), (3, "kepala.dpmptsp")):
            status, app = self.call("POST", f"/applications/{app['id']}/decision", {"action": "approve", "step": step},
                                    token=self.login(who))
            assert status == 200, app
        return app

    def measure_library(self, record, results) -> None:
        """The regulations library's routes and the offices' contacts (the library holds the
        demo's entries, and at the large size LIBRARY_ENTRIES more: load_library)."""
        librarian, admin = self.login("pustakawan"), self.login("admin")
        record("GET", "/regulations", *self.counted("GET", "/regulations?limit=20")[:2])
        results[("GET", "/regulations?q=bendungan keamanan")] = self.counted(
            "GET", "/regulations?q=bendungan+keamanan&limit=20")[:2]
        results[("GET", "/regulations?q=27/PRT/M/2015")] = self.counted("GET", "/regulations?q=27/PRT/M/2015")[:2]
        record("GET", "/regulations/{id}", *self.counted("GET", "/regulations/reg_pp-37-2010")[:2])
        status, calls, created = self.counted("POST", "/regulations", {
            "type": "circular", "number": f"{uuid.uuid4().hex[:4]}/SE/2026", "year": 2026, "title": "Bench bendungan",
            "summary": "Kesiapsiagaan bendungan di musim hujan.", "amends": ["reg_pp-121-2015"]}, token=librarian)
        record("POST", "/regulations", status, calls)
        record("PATCH", "/regulations/{id}", *self.counted("PATCH", f"/regulations/{created['id']}",
                                                           {"title": "Bench bendungan diubah"}, token=librarian)[:2])
        record("POST", "/regulations/{id}/document", *self.counted(
            "POST", f"/regulations/{created['id']}/document",
            {"filename": "se.pdf", "content_type": "application/pdf", "size": 1000}, token=librarian)[:2])
        record("GET", "/org/nodes/{id}/contact", *self.counted("GET", "/org/nodes/dam-desk/contact")[:2])
        record("PUT", "/org/nodes/{id}/contact", *self.counted("PUT", "/org/nodes/dam-desk/contact", {
            "phone": "+62 21 0000 0009", "hours": "Senin-Jumat 08.00-16.00 WIB"}, token=admin)[:2])

    def load_library(self, count: int) -> None:
        """`count` more regulations, each with its listing, its own words' postings and a
        summary's and text's (written in batches, as load_applications does): most of them hold
        "bendungan", so a search for it has far more than a page to choose from."""
        from chalicelib.adapters.dynamodb.library import to_data
        from chalicelib.adapters.dynamodb.library_models import LibraryItem
        from chalicelib.domain import library_search as search
        from chalicelib.domain.ids import new_id
        from chalicelib.domain.regulations import TYPES, Regulation

        rng = random.Random(count)
        pool = ("bendungan", "keamanan", "waduk", "irigasi", "sungai", "air", "banjir", "pelimpah", "inspeksi", "rawa")
        now = datetime.now(timezone.utc)
        with LibraryItem.batch_write() as batch:
            for n in range(count):
                year = rng.randint(1974, 2026)
                entry = Regulation(
                    id=new_id("reg"), type=TYPES[n % len(TYPES)], number=f"{n}/PRT/M/{year}", year=year,
                    title=" ".join(rng.sample(pool, 3)), enacted_on=None, declared_status="in_force", topics=(),
                    summary=" ".join(rng.sample(pool, 4)), created_at=now, updated_at=now, updated_by="bench")
                words = search.entry_words(entry.type, entry.number, entry.title, entry.topics, "")
                batch.save(LibraryItem(f"REG#{entry.id}", "R", data=to_data(entry), version=1, entry_words=words))
                batch.save(LibraryItem("REGS", f"{year:04d}#{entry.id}", data=to_data(entry), entry_id=entry.id,
                                         year=year))
                body = {(w, search.SUMMARY) for w in search.words(entry.summary)} | {
                    (w, search.TEXT) for w in search.text_words(" ".join(rng.choices(pool, k=40)) + f" kata{n}")}
                for word, rank in [*words.items(), *body]:
                    batch.save(LibraryItem(f"WORD#{word}", f"{rank}#{entry.id}", entry_id=entry.id, year=year))

    # ---- bulk data ----------------------------------------------------------------------

    def load_applications(self, target: int) -> None:
        """Fill the table up to `target` applications (fill_applications)."""
        fill_applications(self.deps, target, self.loaded)
        self.loaded = target

    # ---- the routes ---------------------------------------------------------------------

    def measure_routes(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(method, path) → (status, AWS calls) for one request each, after a warm-up that
        loads what a container keeps (the signing key, queue URLs)."""
        results: dict[tuple[str, str], tuple[int, int]] = {}

        def record(method, path, status, calls):
            results[(method, path)] = (status, calls)

        # warm the container like a running Lambda: key from Secrets Manager, queue URL
        warm = f"warm.{uuid.uuid4().hex[:8]}@example.id"
        self.call("POST", "/auth/register", {"email": warm, "password": "warm warm 1", "name": "Warm"})
        self.queued_code(warm)

        admin, clerk = self.login("admin"), self.login("petugas.kukusan")
        kukusan_verifier, camat = self.login("verifikator.kukusan"), self.login("camat.beji")
        applicant = self.login("warga")

        record("GET", "/health", *self.counted("GET", "/health")[:2])
        record("GET", "/openapi.json", *self.counted("GET", "/openapi.json")[:2])
        email = f"bench.{uuid.uuid4().hex[:8]}@example.id"
        record("POST", "/auth/register", *self.counted("POST", "/auth/register",
                                                      {"email": email, "password": "bench pass 1", "name": "Bench"})[:2])
        code = self.queued_code(email)
        record("POST", "/auth/verify", *self.counted("POST", "/auth/verify", {"email": email, "code": code})[:2])
        status, calls, pair = self.counted("POST", "/auth/login", {"email": email, "password": "bench pass 1"})
        record("POST", "/auth/login", status, calls)
        status, calls, pair2 = self.counted("POST", "/auth/refresh", {"refresh_token": pair["refresh_token"]})
        record("POST", "/auth/refresh", status, calls)
        record("GET", "/me", *self.counted("GET", "/me", token=pair2["access_token"])[:2])
        record("PATCH", "/me", *self.counted("PATCH", "/me", {"language": "en"}, token=pair2["access_token"])[:2])
        record("POST", "/auth/logout", *self.counted("POST", "/auth/logout", {"refresh_token": pair2["refresh_token"]},
                                                    token=pair2["access_token"])[:2])
        record("POST", "/auth/password/forgot", *self.counted("POST", "/auth/password/forgot", {"email": email})[:2])
        code = self.queued_code(email)
        record("POST", "/auth/password/reset", *self.counted("POST", "/auth/password/reset",
                                                            {"email": email, "code": code, "new_password": "new pass 12"})[:2])

        record("GET", "/org/nodes/{id}", *self.counted("GET", "/org/nodes/kec-beji", token=admin)[:2])
        record("POST", "/org/nodes", *self.counted("POST", "/org/nodes", {
            "parent_id": "kec-beji", "kind": "kelurahan", "name": f"Kelurahan {uuid.uuid4().hex[:6]}",
            "region_code": "32.76.06.1099"}, token=admin)[:2])
        status, calls, invited = self.counted("POST", "/admin/users", {
            "email": f"staff.{uuid.uuid4().hex[:8]}@example.id", "name": "Staf",
            "roles": [{"role": "viewer", "node_id": "kec-beji"}]}, token=admin)
        record("POST", "/admin/users", status, calls)
        # issue 20: admin — the office's staff roll, a role granted and revoked
        record("GET", "/org/nodes/{id}/staff", *self.counted("GET", "/org/nodes/kec-beji/staff", token=admin)[:2])
        record("POST", "/admin/users/{id}/roles", *self.counted("POST", f"/admin/users/{invited['id']}/roles", {
            "role": "approver", "node_id": "kec-beji"}, token=admin)[:2])
        record("DELETE", "/admin/users/{id}/roles/{role}/{node_id}", *self.counted(
            "DELETE", f"/admin/users/{invited['id']}/roles/approver/kec-beji", token=admin)[:2])
        record("GET", "/services", *self.counted("GET", "/services")[:2])
        record("GET", "/services/{id}", *self.counted("GET", "/services/civil-move-report")[:2])
        record("GET", "/services/{id}/offices", *self.counted("GET", "/services/civil-move-report/offices")[:2])

        move = {
            "head_of_family_nik": "3276061708850003", "head_of_family_name": "Ahmad", "family_card_number": "3276060101090007",
            "move_type": "Antar kecamatan", "reason": "Pekerjaan", "destination_address": "Jl. Raya 1",
            "destination_region": "32.76.02", "members_moving": 2, "move_date": "2026-12-01",
            "reporter_nik": "3276061708850003", "reporter_name": "Ahmad", "reporter_relation": "Lainnya",
        }
        status, calls, app = self.counted("POST", "/applications", {"service_id": "civil-move-report",
                                                                    "node_id": "kel-kukusan", "data": move}, token=clerk)
        record("POST", "/applications", status, calls)
        record("GET", "/applications/{id}", *self.counted("GET", f"/applications/{app['id']}", token=clerk)[:2])
        record("PATCH", "/applications/{id}", *self.counted("PATCH", f"/applications/{app['id']}",
                                                           {"data": {"members_moving": 3}}, token=clerk)[:2])
        record("POST", "/applications/{id}/submit", *self.counted("POST", f"/applications/{app['id']}/submit",
                                                                 token=clerk)[:2])
        record("POST", "/applications/{id}/decision", *self.counted("POST", f"/applications/{app['id']}/decision",
                                                                   {"action": "approve", "step": 1}, token=kukusan_verifier)[:2])
        record("GET", "/applications/{id}/history", *self.counted("GET", f"/applications/{app['id']}/history",
                                                                 token=clerk)[:2])
        record("GET", "/track/{code}", *self.counted("GET", f"/track/{app['tracking_code']}")[:2])
        record("POST", "/applications/{id}/withdraw", *self.counted("POST", f"/applications/{app['id']}/withdraw",
                                                                   {"reason": "bench"}, token=clerk)[:2])
        status, calls, draft = self.counted("POST", "/applications", {
            "service_id": "city-business-permit", "node_id": "dpmptsp-front-office", "data": {}}, token=applicant)
        status, calls, offered = self.counted("POST", f"/applications/{draft['id']}/documents", {
            "requirement": "ktp", "filename": "ktp.png", "content_type": "image/png", "size": len(_PNG)}, token=applicant)
        record("POST", "/applications/{id}/documents", status, calls)
        self._upload_and_scan(draft["id"], offered["document_id"], _PNG)
        record("GET", "/applications/{id}/documents", *self.counted("GET", f"/applications/{draft['id']}/documents",
                                                                   token=applicant)[:2])
        record("GET", "/applications/{id}/documents/{document_id}", *self.counted(
            "GET", f"/applications/{draft['id']}/documents/{offered['document_id']}", token=applicant)[:2])
        record("DELETE", "/applications/{id}/documents/{document_id}", *self.counted(
            "DELETE", f"/applications/{draft['id']}/documents/{offered['document_id']}", token=applicant)[:2])
        staff_list = self.counted("GET", "/applications?limit=50", token=camat)
        record("GET", "/applications", *staff_list[:2])
        results[("GET", "/applications (applicant)")] = self.counted("GET", "/applications?limit=50", token=applicant)[:2]
        results[("GET", "/applications?status=submitted")] = self.counted(
            "GET", "/applications?status=submitted&limit=50", token=camat)[:2]
        record("GET", "/inbox", *self.counted("GET", "/inbox?limit=50", token=kukusan_verifier)[:2])
        results[("GET", "/inbox?sla=overdue&service_id=…&node_id=…")] = self.counted(
            "GET", "/inbox?limit=50&sla=overdue&service_id=civil-move-report&node_id=kel-kukusan", token=kukusan_verifier)[:2]
        results[("GET", "/inbox?q=<tracking code>")] = self.counted(
            "GET", f"/inbox?q={draft['tracking_code']}", token=kukusan_verifier)[:2]

        # workflow: suspend and resume, a batch of one, a delegation, notifications
        _status, waiting = self.call("POST", "/applications", {"service_id": "civil-move-report",
                                                               "node_id": "kel-kukusan", "data": move}, token=clerk)
        self.call("POST", f"/applications/{waiting['id']}/submit", token=clerk)
        record("POST", "/applications/{id}/suspend", *self.counted(
            "POST", f"/applications/{waiting['id']}/suspend", {"reason": "menunggu KK asli"}, token=kukusan_verifier)[:2])
        record("POST", "/applications/{id}/resume", *self.counted(
            "POST", f"/applications/{waiting['id']}/resume", token=kukusan_verifier)[:2])
        record("POST", "/decisions", *self.counted("POST", "/decisions", {
            "application_ids": [waiting["id"]], "action": "approve", "steps": {waiting["id"]: 1}},
            token=kukusan_verifier)[:2])
        # office hours and escalation that can act (a reassignment to the kelurahan's own verifier)
        bench_admin = self.login("admin")
        record("GET", "/org/nodes/{id}/calendar", *self.counted("GET", "/org/nodes/kel-kukusan/calendar",
                                                                token=bench_admin)[:2])
        _status, kept = self.call("GET", "/org/nodes/kec-beji/calendar", token=bench_admin)
        calendar = {"zone": kept["zone"], "week": kept["week"], "holidays": kept["holidays"]}
        record("PUT", "/org/nodes/{id}/calendar", *self.counted("PUT", "/org/nodes/kel-pondok-cina/calendar", calendar,
                                                                token=bench_admin)[:2])
        record("DELETE", "/org/nodes/{id}/calendar", *self.counted("DELETE", "/org/nodes/kel-pondok-cina/calendar",
                                                                   token=bench_admin)[:2])
        _status, handed = self.call("POST", "/applications", {"service_id": "civil-move-report", "node_id": "kel-kukusan",
                                                              "data": move}, token=clerk)
        self.call("POST", f"/applications/{handed['id']}/submit", token=clerk)
        record("POST", "/applications/{id}/reassign", *self.counted(
            "POST", f"/applications/{handed['id']}/reassign", {"user_email": "verifikator.kukusan@demo.satupintu.id"},
            token=kukusan_verifier)[:2])
        now = datetime.fromisoformat(self.call("GET", "/_local/clock")[1]["now"])
        status, calls, lent = self.counted("POST", "/delegations", {
            "role": "verifier", "node_id": "kel-kukusan", "delegate_email": "petugas.kukusan@demo.satupintu.id",
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=3)).isoformat()}, token=kukusan_verifier)
        record("POST", "/delegations", status, calls)
        record("GET", "/delegations", *self.counted("GET", "/delegations", token=kukusan_verifier)[:2])
        record("DELETE", "/delegations/{id}", *self.counted("DELETE", f"/delegations/{lent['id']}",
                                                           token=kukusan_verifier)[:2])
        note = self._notification_for("petugas.kukusan@demo.satupintu.id")
        record("GET", "/notifications", *self.counted("GET", "/notifications?limit=50", token=clerk)[:2])
        record("POST", "/notifications/{id}/read", *self.counted("POST", f"/notifications/{note}/read", token=clerk)[:2])
        record("GET", "/ops/failed-notifications", *self.counted("GET", "/ops/failed-notifications",
                                                                token=self.login("ops"))[:2])

        self.measure_library(record, results)
        from bench import dams

        dams.measure(self, record, results)

        # budgets, dashboards, reports, certificates
        region, branch, area = self.login("region.jabotabek"), self.login("branch.depok"), self.login("area.jabar")
        period = now.astimezone(self.deps.settings.org_timezone).strftime("%Y-%m")
        record("PUT", "/budgets/{node_id}/{period}", *self.counted(
            "PUT", f"/budgets/branch-depok/{period}", {"amount": 160_000_000}, token=region)[:2])
        record("PUT", "/budgets/{node_id}/{period}/recommendation", *self.counted(
            "PUT", f"/budgets/branch-depok/{period}/recommendation", {"categories": {"OUTLET": 60_000_000}},
            token=branch)[:2])
        record("GET", "/budgets/{node_id}/{period}", *self.counted("GET", f"/budgets/branch-depok/{period}",
                                                                   token=branch)[:2])
        record("GET", "/dashboard/{node_id}", *self.counted("GET", f"/dashboard/area-jabo-jabar?period={period}",
                                                            token=area)[:2])
        results[("GET", "/dashboard/{node_id} (branch, 2 clusters)")] = self.counted(
            "GET", f"/dashboard/branch-depok?period={period}", token=branch)[:2]
        record("GET", "/dashboard/{node_id}/export.csv", *self.counted(
            "GET", f"/dashboard/branch-depok/export.csv?period={period}", token=branch)[:2])
        status, calls, asked = self.counted("POST", "/reports", {"kind": "budget-usage", "node_id": "branch-depok",
                                                                 "period": period}, token=branch)
        record("POST", "/reports", status, calls)
        record("GET", "/reports/{id}", *self.counted("GET", f"/reports/{asked['report_id']}", token=branch)[:2])
        record("GET", "/budgets/{node_id}/{period}/reports", *self.counted(
            "GET", f"/budgets/branch-depok/{period}/reports?limit=50", token=branch)[:2])
        permit = self._approved_permit(applicant)
        # Access tokens live 15 minutes, and at 100,000 applications the emulator is slow: log in again.
        applicant = self.login("warga")
        record("GET", "/applications/{id}/certificate", *self.counted(
            "GET", f"/applications/{permit['id']}/certificate", token=applicant)[:2])
        record("GET", "/applications/{id}/receipt", *self.counted(
            "GET", f"/applications/{permit['id']}/receipt", token=applicant)[:2])
        record("GET", "/verify/{code}", *self.counted("GET", f"/verify/{permit['certificate_code']}")[:2])
        record("POST", "/applications/{id}/certificate/revoke", *self.counted(
            "POST", f"/applications/{permit['id']}/certificate/revoke", {"reason": "bench"},
            token=self.login("kepala.dpmptsp"))[:2])

        # registers, integrations and subscriptions
        ops = self.login("ops")
        admin = self.login("admin")
        clerk = self.login("petugas.kukusan")
        record("POST", "/nik/check", *self.counted("POST", "/nik/check", {"nik": "3276064503900002"}, token=clerk)[:2])
        record("POST", "/npwp/check", *self.counted("POST", "/npwp/check", {"npwp": "01.312.166.0-091.000"},
                                                    token=clerk)[:2])
        record("POST", "/applications/by-nik", *self.counted(
            "POST", "/applications/by-nik", {"nik": "3276061708850003"}, token=clerk)[:2])
        record("GET", "/integrations/sends", *self.counted("GET", "/integrations/sends?target=civil-registry",
                                                           token=ops)[:2])
        record("POST", "/integrations/{target}/run", *self.counted(
            "POST", "/integrations/civil-registry/run", {}, token=ops)[:2])
        # issue 20: operations (queue URLs are looked up once per container: warmed first)
        _status, log = self.call("GET", "/integrations/sends?limit=1", token=ops)
        if log["items"]:
            record("GET", "/integrations/sends/{id}", *self.counted(
                "GET", f"/integrations/sends/{log['items'][0]['id']}", token=ops)[:2])
        self.call("GET", "/ops/queues", token=ops)
        record("GET", "/ops/queues", *self.counted("GET", "/ops/queues", token=ops)[:2])
        record("POST", "/ops/queues/{name}/redrive", *self.counted("POST", "/ops/queues/render/redrive", token=ops)[:2])
        record("GET", "/ops/schedules", *self.counted("GET", "/ops/schedules", token=ops)[:2])
        status, calls, made = self.counted("POST", "/subscriptions", {
            "url": "http://127.0.0.1:9/hooks/bench", "events": ["application.approved"], "node_id": "org-demo"},
            token=admin)
        record("POST", "/subscriptions", status, calls)
        record("GET", "/subscriptions", *self.counted("GET", "/subscriptions", token=admin)[:2])
        record("GET", "/subscriptions/{id}", *self.counted("GET", f"/subscriptions/{made['id']}", token=admin)[:2])
        record("GET", "/subscriptions/{id}/deliveries", *self.counted(
            "GET", f"/subscriptions/{made['id']}/deliveries", token=admin)[:2])
        record("POST", "/subscriptions/{id}/pause", *self.counted(
            "POST", f"/subscriptions/{made['id']}/pause", token=admin)[:2])
        record("POST", "/subscriptions/{id}/resume", *self.counted(
            "POST", f"/subscriptions/{made['id']}/resume", token=admin)[:2])
        record("DELETE", "/subscriptions/{id}", *self.counted("DELETE", f"/subscriptions/{made['id']}", token=admin)[:2])

        record("GET", "/_local/mail", *self.counted("GET", "/_local/mail?to=nobody@example.id")[:2])
        record("GET", "/_local/demo", *self.counted("GET", "/_local/demo")[:2])
        record("GET", "/_local/schedules", *self.counted("GET", "/_local/schedules")[:2])
        record("POST", "/_local/schedules/{name}", *self.counted("POST", "/_local/schedules/purge_unverified_accounts")[:2])
        # The deadline sweep reads the due-time index, whatever the number of applications.
        results[("POST", "/_local/schedules/escalate_overdue_steps")] = self.counted(
            "POST", "/_local/schedules/escalate_overdue_steps")[:2]
        record("GET", "/_local/clock", *self.counted("GET", "/_local/clock")[:2])
        record("POST", "/_local/clock", *self.counted("POST", "/_local/clock", {"advance_seconds": 0})[:2])
        return results


def fill_applications(deps, target: int, loaded: int | None = None) -> None:
    """Fill the table up to `target` applications, spread over the demo's offices, services,
    statuses and the last 90 days, written in batches (not through the API: only the
    table's size matters here). `loaded`: how many it holds already (counted when not given).
    Also grows the load benchmark's table (bench/load.py)."""
    from chalicelib.adapters.dynamodb import models as m

    users = {u: deps.users.get(f"usr_demo_{u}") for u in
             ("petugas_kukusan", "petugas_pondokcina", "warga", "cluster_utara", "cluster_selatan")}
    if loaded is None:
        loaded = count_applications()  # after a store's first use: it binds the models to the table
    from chalicelib.adapters.dynamodb.applications import application_to_item, history_item, history_sort_key
    from chalicelib.domain import applications as rules
    from chalicelib.domain.ids import new_id, new_tracking_code
    from chalicelib.domain.people import Principal

    rng = random.Random(target)
    people = {k: Principal(v.id, v.email, v.name, v.language, v.grants) for k, v in users.items()}
    nodes = {n: deps.org_store.get(n) for n in
             ("kel-kukusan", "kel-pondok-cina", "dpmptsp-front-office", "cluster-depok-utara", "cluster-depok-selatan")}
    move = {"head_of_family_name": "Warga", "move_type": "Antar kecamatan", "members_moving": 2}
    mix = [
        ("civil-move-report", "kel-kukusan", "petugas_kukusan", move),
        ("civil-move-report", "kel-pondok-cina", "petugas_pondokcina", move),
        ("city-business-permit", "dpmptsp-front-office", "warga", {"business_name": "Usaha", "capital": 1000}),
        ("marketing-fee-report", "cluster-depok-utara", "cluster_utara", {"category": "OUTLET", "amount": 50000}),
        ("marketing-fee-report", "cluster-depok-selatan", "cluster_selatan", {"category": "SF", "amount": 75000}),
    ]
    tz = deps.settings.org_timezone
    origin = rules.Origin("127.0.0.1", "bench")
    now = deps.clock.now()
    with m.ApplicationItem.batch_write() as batch:
        for _ in range(target - loaded):
            service_id, node_id, who, data = rng.choice(mix)
            service = deps.catalog.latest(service_id)
            created = now - timedelta(minutes=rng.randint(1, 90 * 24 * 60))
            change = rules.new_application(
                app_id=new_id("app"), tracking_code=new_tracking_code(), service=service, node=nodes[node_id],
                caller=people[who], data=data, now=created, tz=tz, origin=origin)
            app = change.application
            roll = rng.random()
            if roll < 0.6:
                # what submission and decisions would leave: waiting at a step, or decided
                steps = rules.plan_deciders(service, nodes[node_id])
                step = rng.randint(1, len(service.steps))
                status = "approved" if roll < 0.2 else ("submitted" if step == 1 else "in_review")
                app = app.evolve(status=status, step=step if status != "approved" else None, step_nodes=steps,
                                 submitted_at=created)
                if status != "approved":
                    app = app.evolve(decider_node_id=steps[step - 1], decider_role=service.steps[step - 1].role,
                                     due_at=created + timedelta(hours=service.steps[step - 1].sla_hours))
            batch.save(application_to_item(app))
            batch.save(m.TrackingItem(f"TRACK#{app.tracking_code}", "T", application_id=app.id))
            batch.save(history_item(app.id, history_sort_key(app.version), change.history))


def count_applications() -> int:
    from chalicelib.adapters.dynamodb import models as m

    return sum(1 for _ in m.ApplicationItem.scan(m.ApplicationItem.sk == "A"))  # bench only, never a request path


_SCAN_ONE = """
import json, sys, time
sys.path.insert(0, {project!r})
from chalicelib.deps import container
import PIL.Image, pypdf  # loaded before the clock starts: a warm function has them
deps = container()
deps.keys.get(); deps.catalog; deps.documents
started = time.perf_counter()
outcome = deps.documents.scan({key!r}, {etag!r}, None)
seconds = time.perf_counter() - started
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child
# would report its parent's peak.
peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
print(json.dumps({{"outcome": outcome, "seconds": seconds, "peak_mb": peak_kb / 1024}}))
"""


def _clamscan_startup() -> float | None:
    import shutil

    program = shutil.which("clamscan")
    if program is None:
        return None
    started = time.perf_counter()
    subprocess.run([program, "--no-summary", "--scan-image=no", "-d", str(PROJECT / "local" / "clamav"), "-"],
                   input=b"", capture_output=True, check=False)
    return time.perf_counter() - started


def scan_costs(bench: "Bench") -> list[dict]:
    """The scan function on a 10 MB photo and a 10 MB scanned PDF: one fresh process each, the
    file read from and written to the emulator's S3, ClamAV included where installed."""
    import boto3

    from tests import files as make

    clerk, applicant = bench.login("cluster.utara"), bench.login("warga")
    s3 = boto3.client("s3", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    startup = _clamscan_startup()
    results = []
    for label, token, service, node, requirement, content_type, data in (
        ("10 MB JPEG photo", clerk, "marketing-fee-report", "cluster-depok-utara", "evidence_photo", "image/jpeg",
         make.noisy_jpeg(10_000_000)),
        ("10 MB PDF (a scanned page)", applicant, "city-building-permit", "dpmptsp-front-office", "building_plan",
         "application/pdf", make.pdf_with_photo(10_000_000)),
    ):
        _status, app = bench.call("POST", "/applications", {"service_id": service, "node_id": node, "data": {}}, token)
        _status, offered = bench.call("POST", f"/applications/{app['id']}/documents", {
            "requirement": requirement, "filename": "bench", "content_type": content_type, "size": len(data)}, token)
        key = f"incoming/{app['id']}/{offered['document_id']}"
        etag = s3.put_object(Bucket=bench.deps.settings.uploads_bucket, Key=key, Body=data,
                             ContentType=content_type)["ETag"]
        code = _SCAN_ONE.format(project=str(PROJECT), key=key, etag=etag)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        results.append({"file": label, "bytes": len(data), **measured,
                        "scan_seconds": measured["seconds"] - (startup or 0.0), "clamav_startup": startup})
    return results


_RENDER_ONE = """
import json, sys, time
sys.path.insert(0, {project!r})
from chalicelib.deps import container
import fpdf, PIL.Image, segno  # loaded before the clock starts: a warm function has them
from chalicelib.adapters import pdf
deps = container()
deps.catalog; deps.rendering
started = time.perf_counter()
outcome = deps.rendering.render_pdf("budget-usage", {report_id!r}, 1)
seconds = time.perf_counter() - started
peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
record = deps.pdf_store.get("budget-usage", {report_id!r})
print(json.dumps({{"outcome": outcome, "seconds": seconds, "peak_mb": peak_kb / 1024, "pages": record.pages,
                  "bytes": record.size}}))
"""

PDF_REPORTS = 100
PDF_RUNS = 3


def pdf_costs(bench: "Bench") -> dict:
    """The monthly usage report of an office with 100 approved spending reports of one 2 MB
    photo each, rendered in a fresh process by the render function's own code: the figures and
    every photo read from the emulator, each photo scaled and embedded, the PDF written to S3."""
    import boto3

    from chalicelib.adapters.dynamodb import models as m
    from chalicelib.adapters.dynamodb.applications import application_to_item
    from chalicelib.adapters.dynamodb.documents import document_to_item
    from chalicelib.adapters.dynamodb.postings import posting_item
    from chalicelib.domain.documents import CLEAN, Document, served_key
    from chalicelib.domain.ids import new_id, new_tracking_code
    from chalicelib.domain.application_state import Application
    from chalicelib.domain.budgets import Posting
    from chalicelib.services.ports import PdfRecord
    from chalicelib.services.rendering import BUDGET_USAGE
    from tests import files as make

    deps = bench.deps
    s3 = boto3.client("s3", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    branch, cluster = deps.org_store.get("branch-depok"), deps.org_store.get("cluster-depok-utara")
    period, now = "2025-01", deps.clock.now()
    photos = [make.camera_photo(number) for number in range(PDF_REPORTS)]  # each its own: none shared in the PDF
    with m.ApplicationItem.batch_write() as batch:
        for number in range(PDF_REPORTS):
            app_id, doc_id = new_id("app"), new_id("doc")
            data = {"category": ["OUTLET", "SF", "ACQUISITION"][number % 3], "activity": f"Aktivasi outlet {number + 1}",
                    "spent_on": "2025-01-15", "amount": 1_000_000 + number * 10_000, "payee": "CV Sinar Depok",
                    "description": "Materi promosi, sewa tempat dan konsumsi tim untuk aktivasi outlet. " * 3}
            app = Application(id=app_id, tracking_code=new_tracking_code(), service_id="marketing-fee-report",
                              service_version=1, node_id=cluster.id, node_path=cluster.path, applicant_id="usr_bench",
                              applicant_name="Bench", status="approved", step=None, steps_total=1, data=data,
                              created_at=now, updated_at=now)
            batch.save(application_to_item(app))
            photo = photos[number]
            version = s3.put_object(Bucket=deps.settings.uploads_bucket, Key=served_key(app_id, doc_id), Body=photo,
                                    ContentType="image/jpeg").get("VersionId")
            doc = Document(id=doc_id, application_id=app_id, requirement="evidence_photo", filename="bukti.jpg",
                           content_type="image/jpeg", size=len(photo), status=CLEAN, uploader_id="usr_bench",
                           created_at=now, upload_expires_at=now, served_version=version, served_type="image/jpeg",
                           served_size=len(photo))
            batch.save(document_to_item(doc))
            posting = Posting(app_id, cluster.path, period, data["category"], data["amount"], now)
            for node_id in cluster.path:
                batch.save(posting_item(node_id, posting))
    runs = []
    for _ in range(PDF_RUNS):  # a fresh report (and process) each time: nothing cached between runs
        report_id = f"rpt_{uuid.uuid4().hex[:26]}"
        deps.pdf_store.request(PdfRecord(kind=BUDGET_USAGE, subject=report_id, status="pending", created_at=now,
                                         node_id=branch.id, period=period), "usr_bench")
        code = _RENDER_ONE.format(project=str(PROJECT), report_id=report_id)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    times = sorted(run["seconds"] for run in runs)
    return {"reports": PDF_REPORTS, "photo_bytes": sum(map(len, photos)) / len(photos), **runs[0],
            "seconds": statistics.median(times), "slowest": times[-1], "runs": len(runs),
            "peak_mb": max(run["peak_mb"] for run in runs)}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 0, 0)).save(out, format="PNG")
    return out.getvalue()


_PNG = _png()



# ---- report -------------------------------------------------------------------------------

def write_report(path: Path, imports: dict, small: dict, large: dict, sizes: tuple[int, int], scans: int,
                 seconds: float, scan_results: list[dict], pdf_result: dict | None = None,
                 retries: list[int] | None = None, library_search: dict | None = None) -> None:
    from chalicelib.api.routes import ROUTES

    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m bench.run`) on {time.strftime('%Y-%m-%d')}, "
        f"in {seconds:.0f} s, on this machine ({os.cpu_count()} cores). Re-run it after changing anything here.",
        "",
        "## Cold start: importing `app`",
        "",
        "Against a bare Chalice app that imports boto3 (`import boto3; from chalice import Chalice`), "
        f"each timed in a fresh interpreter, {IMPORT_RUNS} runs, alternating. Target: ratio ≤ 1.3.",
        "",
        "| | median |",
        "|---|---|",
        f"| bare Chalice + boto3 | {imports['bare_median'] * 1000:.0f} ms |",
        f"| satupintu `app` | {imports['app_median'] * 1000:.0f} ms |",
        f"| ratio (median of runs) | **{imports['ratio_median']:.2f}** |",
        f"| ratio (last single run) | {imports['ratio_one_run']:.2f} |",
        "",
        f"Loaded by `import app`: fpdf2 {'**yes**' if imports['fpdf_at_import'] else 'no'}, "
        f"pydantic {'yes' if imports['pydantic_at_import'] else 'no'}, "
        f"pynamodb {'yes' if imports['pynamodb_at_import'] else 'no'}. The route table is all that loads at "
        "import; each view's module, and pydantic, pynamodb and pyjwt behind it, load on the first request "
        "that needs them. fpdf2 is imported only inside the PDF function.",
        "",
        "What a cold start costs up to its first answer (import, then one request handled in-process; median of 5):",
        "",
        "| | import + first request |",
        "|---|---|",
        f"| bare Chalice + boto3, `GET /health` returning a dict | {imports['first_request']['bare'] * 1000:.0f} ms |",
        f"| satupintu `GET /health` (request pipeline, settings, pydantic) | "
        f"{imports['first_request']['health'] * 1000:.0f} ms |",
        f"| satupintu `GET /services` (also the catalog, validated) | "
        f"{imports['first_request']['services'] * 1000:.0f} ms |",
        "",
        "Routes that touch DynamoDB also load boto3/botocore and pynamodb on their first request, as the bare "
        "app does at import.",
        "",
        "## Cold start: a whole process up to its first answer",
        "",
        "A fresh interpreter that starts, imports the app and answers `GET /services` in-process, timed from "
        "outside (wall time, and CPU time of the process), against a bare Chalice app that imports boto3 and "
        f"answers the same route with a fixed list; {COLD_PROCESS_PAIRS} pairs, alternating. Target: ratio ≤ 1.3.",
        "",
        "| | wall (median) | CPU (median) |",
        "|---|---|---|",
        f"| bare Chalice + boto3 | {imports['cold']['bare_wall'] * 1000:.0f} ms | {imports['cold']['bare_cpu'] * 1000:.0f} ms |",
        f"| satupintu | {imports['cold']['app_wall'] * 1000:.0f} ms | {imports['cold']['app_cpu'] * 1000:.0f} ms |",
        f"| ratio (median of pairs) | **{imports['cold']['wall_ratio']:.2f}** | **{imports['cold']['cpu_ratio']:.2f}** |",
        "",
        "## AWS calls per request, by table size",
        "",
        f"One request per route, counted by the emulator, with {sizes[0]:,} and then {sizes[1]:,} applications "
        "in the table (spread over the demo's offices, services, statuses and 90 days), and as many days of "
        "readings held by the demo's five dams (the dam routes: a month read from Jatiluhur's history; an import "
        "of 30 days and a day entered, each size in days of its own). Measured after the "
        "container is warm (signing key and queue URL read once per container, as on Lambda; the key's "
        "periodic re-read is let happen before each measured request, not inside it), and as the first "
        "request of its minute (the offices' calendars and the subscriptions, kept a minute per container, "
        "are read again). "
        "Target: the same count at both sizes.",
        "",
        f"| route | status | calls at {sizes[0]:,} | calls at {sizes[1]:,} | same |",
        "|---|---|---|---|---|",
    ]
    keys = [(m, p) for m, p, _ in ROUTES] + [k for k in small if k not in {(m, p) for m, p, _ in ROUTES}]
    same = 0
    for key in keys:
        if key not in small:
            lines.append(f"| `{key[0]} {key[1]}` | not measured | | | |")
            continue
        (status_small, calls_small), (status_large, calls_large) = small[key], large[key]
        equal = calls_small == calls_large
        same += equal
        lines.append(f"| `{key[0]} {key[1]}` | {status_small}/{status_large} | {calls_small} | {calls_large} | "
                     f"{'yes' if equal else '**no**'} |")
    lines += [
        "",
        f"**{same} of {len(small)}** measured requests make the same number of AWS calls at both sizes. "
        f"DynamoDB `Scan` calls made by requests: **{scans}**. A call is one `amz-sdk-invocation-id`: the "
        "SDK's own retries of a call (sent again after a time-out on the busy emulator) are counted apart"
        + (f" ({retries[0]} at {sizes[0]:,}, {retries[-1]} at {sizes[-1]:,})." if retries else "."),
        "",
        "`/_local/mail` reads the emulator's mailbox over loopback HTTP, which is not an AWS call. "
        "`POST /_local/schedules/{name}` runs the purge of stale registrations: one index query per shard of its key (4). `POST /_local/schedules/escalate_overdue_steps` is the deadline sweep with nothing due (the loaded applications carry no escalation): one query per shard of the due-time index's `DUE` key (16); each escalation it makes then costs the reads and the transaction of one state change.",
        "",
        "`GET /assets/{id}/readings` reads one loaded month: fewer days at the small size (its 100 days are "
        "spread over five dams), the same one Query.",
        "",
    ]
    if library_search:
        from bench import dams

        lines += dams.search_section(library_search)
    lines += [
        "## The scan function",
        "",
        f"One upload each (with {sizes[0]:,} applications in the table), scanned in a fresh process by the scan "
        "function's own code (`DocumentService.scan`): "
        "the object read from the emulator's S3, inspected, checked by ClamAV "
        + ("(installed here, with the EICAR test signature; its start-up is subtracted)" if scan_results
           and scan_results[0]["clamav_startup"] is not None else "(not installed here: skipped)")
        + ", and the cleaned copy written back. Peak memory is the process's maximum resident set, "
        "interpreter and libraries included. Targets: under 2 s and under 256 MB each.",
        "",
        "| file | outcome | scan time | peak memory |",
        "|---|---|---|---|",
    ]
    for row in scan_results:
        lines.append(f"| {row['file']} ({row['bytes'] / 1024 / 1024:.1f} MB) | {row['outcome']} | "
                     f"{row['scan_seconds']:.2f} s | {row['peak_mb']:.0f} MB |")
    lines += [
        "",
        "The photo is decoded and re-encoded (metadata removed); the PDF is parsed object by object for "
        "scripts, launch actions and embedded files and then stored unchanged.",
        "",
    ]
    if pdf_result:
        lines += [
            "## The render function: a monthly usage report",
            "",
            f"Measured first, on the freshly started emulator. Branch Depok's month with {pdf_result['reports']} "
            "approved spending reports, one "
            f"{pdf_result['photo_bytes'] / 1024 / 1024:.1f} MB 12-megapixel JPEG photo each (every one different), rendered in a fresh process by the "
            "render function's own code (`RenderService.render_pdf`): the figures, the postings, each application "
            "and its documents read from the emulator's DynamoDB, every photo read from its S3, decoded at reduced "
            "scale, fitted to the page (scaled, never cropped) and embedded; the PDF written back to S3. "
            "Targets: under 10 s and under 512 MB.",
            "",
            f"| reports | pages | PDF size | render time (median of {pdf_result['runs']}) | slowest | peak memory |",
            "|---|---|---|---|---|---|",
            f"| {pdf_result['reports']} | {pdf_result['pages']} | {pdf_result['bytes'] / 1024 / 1024:.1f} MB | "
            f"**{pdf_result['seconds']:.2f} s** | {pdf_result['slowest']:.2f} s | **{pdf_result['peak_mb']:.0f} MB** |",
            "",
            "The render function runs with 2048 MB (more than one vCPU on Lambda: decoding the photos is the "
            "CPU-bound part). Peak memory is the process's maximum resident set, interpreter and libraries "
            "included, the highest of the runs. Each photo is "
            "read and scaled by three threads; only its scaled JPEG (at most 1000 px on its long side) stays in "
            "memory until the PDF is written.",
            "",
        ]
    path.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,100000")
    parser.add_argument("--output", default=str(PROJECT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--no-load", action="store_true", help="leave out the load benchmark (bench/load.py)")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    started = time.monotonic()
    print("timing imports…", flush=True)
    imports = import_times()
    print(f"  app {imports['app_median'] * 1000:.0f} ms, bare {imports['bare_median'] * 1000:.0f} ms, "
          f"ratio {imports['ratio_median']:.2f}", flush=True)
    bench = Bench()
    results = []
    scans = 0
    scan_results: list[dict] = []
    # First, on the freshly started emulator: later, its process holds everything the route
    # measurements and the 10 MB scans left, and serves the render's reads markedly slower.
    print(f"rendering a {PDF_REPORTS}-report usage PDF…", flush=True)
    pdf_result = pdf_costs(bench)
    print(f"  {pdf_result['pages']} pages in {pdf_result['seconds']:.2f} s (slowest {pdf_result['slowest']:.2f} s), "
          f"peak {pdf_result['peak_mb']:.0f} MB", flush=True)
    retries: list[int] = []
    library_search = None
    from bench import dams

    for size in sizes:
        print(f"loading {size:,} applications…", flush=True)
        bench.load_applications(size)
        print(f"loading {size:,} days of readings…", flush=True)
        dams.load_readings(bench, size)
        if size == sizes[-1] and len(sizes) > 1:
            print(f"loading {LIBRARY_ENTRIES:,} regulations…", flush=True)
            bench.load_library(LIBRARY_ENTRIES)
            print("timing searches…", flush=True)
            library_search = dams.time_searches(bench, LIBRARY_ENTRIES)
        scans_before = bench.emulator.calls.get("dynamodb:Scan", 0)
        retries_before = sum(bench.emulator.retries.values())
        print("measuring routes…", flush=True)
        results.append(bench.measure_routes())
        retries.append(sum(bench.emulator.retries.values()) - retries_before)
        scans += bench.emulator.calls.get("dynamodb:Scan", 0) - scans_before
        if not scan_results:
            # Against the small table: the emulator copies the whole table for every
            # transaction, which would swamp the scan's own cost at 10,000 applications.
            print("scanning 10 MB files…", flush=True)
            scan_results = scan_costs(bench)

    for row in scan_results:
        print(f"  {row['file']}: {row['outcome']} in {row['scan_seconds']:.2f} s, peak {row['peak_mb']:.0f} MB")
    write_report(Path(args.output), imports, results[0], results[-1], (sizes[0], sizes[-1]), scans,
                 time.monotonic() - started, scan_results, pdf_result, retries, library_search)
    bench.server.shutdown()
    print("measuring the web app (bundle, inbox in Chromium)…", flush=True)
    from bench import web

    web.replace_section(Path(args.output), web.section(web.measure()))
    print("measuring the emulator (a call's cost by table size, idle queues)…", flush=True)
    from bench import emulator

    emulator.replace_section(Path(args.output), emulator.section(emulator.measure()))
    if not args.no_load:
        print("the load benchmark (bench/load.py, Locust against a local stack)…", flush=True)
        from bench import load

        load.measure_and_write(Path(args.output), load.DEFAULT_RATES, load.DEFAULT_SECONDS, load.DEFAULT_SIZES,
                               "make bench (its load section: bench/load.py)")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
