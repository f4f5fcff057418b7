"""The local stack as a newcomer meets it: `make run`, then HTTP only."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import PROJECT, free_port
from tests.support import DEMO_PASSWORD, HttpApi, read_code, unique_email

pytestmark = pytest.mark.e2e

DESK = "dpmptsp-front-office"


def staff(http, who):
    return http.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)


def test_the_stack_prints_its_urls_accounts_and_ready(stack):
    output = stack.log.read_text()
    assert f"http://127.0.0.1:{stack.ports['API_PORT']}" in output
    assert f"web app        http://127.0.0.1:{stack.ports['WEB_PORT']}" in output
    assert "warga@demo.satupintu.id" in output and "verifikator.kukusan@demo.satupintu.id" in output
    assert output.strip().splitlines().count("ready") == 1


def test_a_newcomer_registers_applies_and_walks_every_step(http, stack):
    assert http.get("/health").json["status"] == "ok"
    services = {s["id"]: s for s in http.get("/services").json["items"]}
    assert "test-simple-permit" in services and "dam-operation-permit" in services
    offices = http.get("/services/test-simple-permit/offices").json["items"]
    assert [o["id"] for o in offices] == [DESK]  # the dam agency's desk cannot take a city permit

    email = unique_email("newcomer")
    assert http.post("/auth/register", {"email": email, "password": "rahasia sekali", "name": "Ani Pemohon"}).status == 202
    code = read_code(http.wait_for_mail(email, "Kode verifikasi", timeout=20))
    assert http.post("/auth/verify", {"email": email, "code": code}).status == 200
    me = http.login(email, "rahasia sekali")

    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK,
                                      "data": {"title": "Izin reklame", "amount": 2_500_000}}, token=me).json
    app = http.post(f"/applications/{app['id']}/submit", token=me).json
    assert (app["status"], app["step"]) == ("submitted", 1)

    front, technical, head = staff(http, "fo.dpmptsp"), staff(http, "teknis.dpmptsp"), staff(http, "kepala.dpmptsp")
    assert app["id"] in [a["id"] for a in http.get("/inbox", token=front).json["items"]]
    app = http.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": 1}, token=front).json
    app = http.post(f"/applications/{app['id']}/decision",
                    {"action": "return", "step": 2, "comment": "Lampirkan ukuran reklame"}, token=technical).json
    assert (app["status"], app["step"]) == ("returned", 2)
    http.patch(f"/applications/{app['id']}", {"data": {"title": "Izin reklame 4x6 m"}}, token=me)
    app = http.post(f"/applications/{app['id']}/submit", token=me).json
    assert (app["status"], app["step"]) == ("in_review", 2)
    app = http.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": 2}, token=technical).json
    app = http.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": 3}, token=head).json
    assert app["status"] == "approved"

    tracked = http.get(f"/track/{app['tracking_code']}").json
    assert tracked["status"] == "approved"
    assert [(h["status"], h["step"]) for h in tracked["history"]] == [
        ("draft", None), ("submitted", 1), ("in_review", 2), ("returned", None), ("in_review", 2), ("in_review", 3),
        ("approved", None),
    ]
    # across the tree: other offices' staff are told it does not exist
    for other in ("loket.bendungan", "petugas.pondokcina", "cluster.utara"):
        assert http.get(f"/applications/{app['id']}", token=staff(http, other)).status == 404
    assert http.get(f"/applications/{app['id']}", token=staff(http, "admin")).status == 200


def test_the_civil_registry_demo_application_waits_in_the_kelurahan_inbox(http, stack):
    inbox = http.get("/inbox", token=staff(http, "verifikator.kukusan")).json["items"]
    assert any(a["service_id"] == "civil-move-report" for a in inbox)
    assert http.get("/inbox", token=staff(http, "petugas.pondokcina")).json["items"] == []


def test_unknown_routes_and_wrong_methods_are_problems(http, stack):
    for path in ("/nope", "/applications/x/y/z", "/services/a/b/c/d"):
        answer = http.get(path)
        assert answer.status == 404 and answer.content_type == "application/problem+json", path
        assert answer.json["status"] == 404
    wrong = http.call("DELETE", "/services")
    assert wrong.status == 405 and wrong.header("Allow") == "GET"
    # With a token, as the web app sends every request: the same 404, the header not echoed.
    with_token = http.call("GET", "/nope", headers={"Authorization": "Bearer secret.token.here"})
    assert with_token.status == 404 and with_token.content_type == "application/problem+json"
    assert "secret.token.here" not in with_token.text and with_token.json["detail"] == "no such route: GET /nope"


def test_the_demo_lists_every_account_and_the_real_region_codes(http, stack):
    demo = http.get("/_local/demo").json
    assert demo["password"] == DEMO_PASSWORD
    kinds = {n["kind"] for n in demo["nodes"]}
    assert {"agency", "kota", "kecamatan", "kelurahan", "area", "region", "branch", "cluster"} <= kinds
    roles = {(r["role"], r["node_id"]) for a in demo["accounts"] for r in a["roles"]}
    for needed in (("verifier", "dam-desk"), ("verifier", "dam-division"), ("approver", "dam-agency"),
                   ("submitter", "kel-kukusan"), ("verifier", "kel-kukusan"), ("approver", "kec-beji"),
                   ("approver", "kota-depok"), ("approver", "branch-depok"), ("submitter", "cluster-depok-utara"),
                   ("budget_allocator", "area-jabo-jabar"), ("budget_recommender", "region-jabotabek-selatan"),
                   ("approver", "region-jabotabek-selatan"), ("mcot", "region-jabotabek-selatan"),
                   ("gm_sbp", "area-jabo-jabar")):
        assert needed in roles, needed
    admin = staff(http, "admin")
    kukusan = http.get("/org/nodes/kel-kukusan", token=admin).json
    assert kukusan["region_code"] == "32.76.06.1002"
    assert http.get("/org/nodes/kec-beji", token=admin).json["region_code"] == "32.76.06"


def test_the_worker_fires_schedules_when_the_clock_moves(http, stack):
    assert any(s["name"] == "purge_unverified_accounts" for s in http.get("/_local/schedules").json["items"])
    before = stack.log.read_text().count("schedule purge_unverified_accounts ran")
    http.post("/_local/clock", {"advance_seconds": 2 * 24 * 3600})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if stack.log.read_text().count("schedule purge_unverified_accounts ran") > before:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not run the daily schedule after the clock moved two days")


def test_a_second_make_run_says_one_is_running(stack):
    env = {**os.environ, "LOCAL_STATE_DIR": str(stack.state), **{k: str(v) for k, v in stack.ports.items()}}
    second = subprocess.run([sys.executable, "-m", "local.run"], cwd=PROJECT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 1
    assert "already running" in second.stderr
    assert requests.get(f"{stack.url}/health", timeout=5).status_code == 200  # the first is untouched


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_stops_every_process_it_started(tmp_path):
    ports = {"API_PORT": free_port(), "AWS_EMULATOR_PORT": free_port(), "WEB_PORT": free_port(),
             "REGISTRY_STANDIN_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "LOCAL_STATE_DIR": str(tmp_path / "state"),
           "SATUPINTU_QUIET": "1"}
    for pointed_elsewhere in ("BIOS_BASE_URL", "CIVIL_REGISTRY_BASE_URL"):
        env.pop(pointed_elsewhere, None)  # so the stand-ins are one of the processes started
    process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if line.strip() == "ready":
            break
    assert _listening(ports["API_PORT"]) and _listening(ports["AWS_EMULATOR_PORT"])
    assert _listening(ports["REGISTRY_STANDIN_PORT"]) and _listening(ports["WEB_PORT"])
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 5  # emulator, registry stand-ins, API, worker, web app
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not _listening(ports["API_PORT"]) and not _listening(ports["AWS_EMULATOR_PORT"])
    assert not _listening(ports["REGISTRY_STANDIN_PORT"]) and not _listening(ports["WEB_PORT"])
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    assert not (tmp_path / "state" / "run.pid").exists()


def test_the_http_client_helper_points_at_the_stack(stack):
    assert HttpApi(stack.url).get("/health").status == 200


def _wait_for_status(http, token, app_id, document_id, wanted, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = http.get(f"/applications/{app_id}/documents", token=token).json["items"]
        current = next(d for d in items if d["document_id"] == document_id)
        if current["status"] in wanted:
            return current
        time.sleep(0.2)
    raise AssertionError(f"document stayed {current['status']}")


def test_uploads_are_scanned_by_the_worker_and_only_clean_files_are_served(http, stack):
    from tests import files as make
    from tests.support import post_file

    email, token = http.register_verified()
    app = http.post("/applications", {"service_id": "test-document-permit", "node_id": DESK,
                                      "data": {"title": "Izin bangun pagar"}}, token=token).json
    results = {}
    for name, filename, content_type, data in (
        ("plan", "denah.pdf", "application/pdf", make.pdf()),
        ("photo", "foto.jpg", "image/jpeg", make.windows_program()),
    ):
        offered = http.post(f"/applications/{app['id']}/documents", {
            "requirement": name, "filename": filename, "content_type": content_type, "size": len(data)}, token=token).json
        assert post_file(offered["upload"], filename, content_type, data) == 204
        results[name] = _wait_for_status(http, token, app["id"], offered["document_id"], ("clean", "rejected"))
    assert results["plan"]["status"] == "clean"
    assert results["photo"]["status"] == "rejected" and "Windows program" in results["photo"]["reasons"]["en"]
    link = http.get(f"/applications/{app['id']}/documents/{results['plan']['document_id']}", token=token).json
    assert requests.get(link["download_url"], timeout=10).content.startswith(b"%PDF")
    assert http.get(f"/applications/{app['id']}/documents/{results['photo']['document_id']}", token=token).status == 409
    assert http.wait_for_mail(email, "ditolak", timeout=20)
    assert http.post(f"/applications/{app['id']}/submit", token=token).json["status"] == "submitted"


@pytest.fixture(scope="module")
def filer(stack):
    """An applicant with a fresh draft of the document test service on the running stack."""
    http = HttpApi(stack.url)
    email, token = http.register_verified()
    return {"http": http, "email": email, "token": token}


def _new_draft(filer):
    return filer["http"].post("/applications", {"service_id": "test-document-permit", "node_id": DESK,
                                                "data": {"title": "Izin"}}, token=filer["token"]).json


def _offer(filer, app_id, requirement, filename, content_type, size):
    answer = filer["http"].post(f"/applications/{app_id}/documents", {
        "requirement": requirement, "filename": filename, "content_type": content_type, "size": size},
        token=filer["token"])
    assert answer.status == 201, answer.text
    return answer.json


def _bad_files():
    from tests import files as make

    return [
        ("photo", "foto.jpg", "image/jpeg", make.windows_program(), "Windows program"),
        ("plan", "denah.pdf", "application/pdf", make.html_page(), "web page"),
        ("plan", "denah.pdf", "application/pdf", make.pdf_with_javascript(), "JavaScript"),
        ("plan", "denah.pdf", "application/pdf", make.encrypted_pdf(), "password-protected"),
        ("photo", "besar.png", "image/png", make.png_declaring(30000, 30000), "30000×30000"),
        ("plan", "laporan.pdf", "application/pdf", make.EICAR, "malware"),
    ]


@pytest.mark.parametrize("requirement,filename,content_type,data,expected", _bad_files(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None)
def test_bad_files_fail_through_the_stack_and_are_never_served(filer, requirement, filename, content_type, data,
                                                                expected):
    import shutil

    from tests.support import post_file, require_system

    if expected == "malware":
        require_system("clamav", shutil.which("clamscan") is not None)
    http, token = filer["http"], filer["token"]
    app = _new_draft(filer)
    offered = _offer(filer, app["id"], requirement, filename, content_type, len(data))
    assert post_file(offered["upload"], filename, content_type, data) == 204
    settled = _wait_for_status(http, token, app["id"], offered["document_id"], ("clean", "rejected"))
    assert settled["status"] == "rejected" and expected in settled["reasons"]["en"], settled
    assert http.get(f"/applications/{app['id']}/documents/{offered['document_id']}", token=token).status == 409


def test_one_byte_over_and_another_key_fail_through_the_stack(filer):
    from tests import files as make
    from tests.support import post_file

    http, token = filer["http"], filer["token"]
    app = _new_draft(filer)
    limit = 1024 * 1024
    assert http.post(f"/applications/{app['id']}/documents", {"requirement": "plan", "filename": "x.pdf",
                     "content_type": "application/pdf", "size": limit + 1}, token=token).status == 422
    big = make.pdf() + b"%" + b"x" * (limit - len(make.pdf()))
    offered = _offer(filer, app["id"], "plan", "x.pdf", "application/pdf", limit)
    assert post_file(offered["upload"], "x.pdf", "application/pdf", big) == 204  # the emulator takes it; S3 would not
    assert _wait_for_status(http, token, app["id"], offered["document_id"], ("clean", "rejected"))["status"] == "rejected"

    slot = _offer(filer, app["id"], "photo", "a.png", "image/png", 100)
    assert post_file(slot["upload"], "a.png", "image/png", make.png(), key=f"incoming/{app['id']}/doc_not_mine") == 204
    time.sleep(2)  # the worker has had its chance at it
    items = http.get(f"/applications/{app['id']}/documents", token=token).json["items"]
    assert {d["document_id"]: d["status"] for d in items}[slot["document_id"]] == "awaiting_upload"
    assert all(d["status"] != "clean" for d in items)


def test_a_download_from_another_branch_of_the_tree_is_404(filer):
    from tests import files as make
    from tests.support import post_file

    http, token = filer["http"], filer["token"]
    app = _new_draft(filer)
    offered = _offer(filer, app["id"], "plan", "denah.pdf", "application/pdf", len(make.pdf()))
    post_file(offered["upload"], "denah.pdf", "application/pdf", make.pdf())
    assert _wait_for_status(http, token, app["id"], offered["document_id"], ("clean",))["status"] == "clean"
    path = f"/applications/{app['id']}/documents/{offered['document_id']}"
    for other in ("loket.bendungan", "verifikator.kukusan", "cluster.utara"):
        assert http.get(path, token=staff(http, other)).status == 404
    assert http.get(path, token=staff(http, "fo.dpmptsp")).status == 200


def test_the_stack_log_says_each_thing_once_without_library_chatter(stack):
    """The worker runs its functions in threads, unlike Lambda: their first calls configure logging
    and import lazily at the same moment. Once the demo's PDFs are rendered, no log line is there
    twice, no import gave up, and fpdf2's font subsetting does not narrate its glyph tables."""
    deadline = time.monotonic() + 60
    while "render_pdf handled" not in stack.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    output = stack.log.read_text()
    assert "render_pdf handled" in output
    structured = [line for line in output.splitlines() if line.startswith('{"level"')]
    assert structured and len(structured) == len(set(structured))
    assert "_DeadlockError" not in output
    assert "glyf pruned" not in output and "Glyph IDs" not in output
