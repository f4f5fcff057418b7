"""Stand-ins for the external registries, speaking their protocols as SPEC.md writes them, for the
local stack and the tests. One server, two registries:

* `/bios/…` — the finance registry: `POST /bios/api/token` (satker, key) → MSG20004 and a token;
  `POST /bios/api/ws/<dataset>` with header `token` → MSG20003 when saved. It keeps one value
  per day and account (or bank account, deposit, service; staff counts per day) and a second
  post replaces the first, as the real one does; MSG40103 for an expired token, MSG40001 for a
  record missing its fields. Datasets: revenue and spending, the three balances, staff counts,
  service statistics and the satisfaction index (`_DATASET_KEYS`).
* `/civil/…` — the national civil registry: `POST /civil/nik/verify` → SESUAI when the birth date
  given is the one the NIK encodes; `POST /civil/events` with `Idempotency-Key` → 201
  `{registry_id}`, and the same answer for a repeated key.
* `/hooks/<name>` — a subscriber: takes event deliveries (204) and keeps each as it came, with
  its signature header, for whoever checks it (the demo's subscription posts here).

Switches, to make it misbehave (`POST /_standin/faults`, JSON; `DELETE` sets all back):
  {"target": "bios" | "civil" | "hooks",
   "fail": n          the next n records answer HTTP 500,
   "error200": n      the next n answer 200 with MSG50001 (civil: 200 without a registry_id),
   "reject": n        the next n are refused (MSG40001 / HTTP 422),
   "reject_where": {field: value}   (bios) every record whose fields have these values is refused,
                      and only those (a test refuses its own record, whatever else is sent),
   "expire_after": n  tokens expire after n more saved records (then MSG40103),
   "slow_seconds": s  every answer is that late (the record is saved first, as a slow server does),
   "down": true       everything answers 503}
`GET /_standin/records?target=bios|civil|hooks` shows what was saved, the posts that saved each key
(`posts`) and every post each key received, failed or not (`received`).

Run: python -m local.registries --port 8070 [--satker S --key K]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.parse
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TARGETS = ("bios", "civil", "hooks")
# dataset → the field that, with the day, names the value it keeps; and the fields that must be numbers.
_DATASET_KEYS = {
    "keuangan/akuntansi/penerimaan": "kd_akun",
    "keuangan/akuntansi/pengeluaran": "kd_akun",
    "keuangan/saldo/saldo_operasional": "no_rekening",
    "keuangan/saldo/saldo_pengelolaan_kas": "no_bilyet",
    "keuangan/saldo/saldo_dana_kelolaan": "no_rekening",
    "layanan/sdm/data_pegawai": "tgl_transaksi",
    "layanan/statistik/harian": "kd_layanan",
    "layanan/ikm/bulanan": "kd_layanan",
}
_DATASET_NUMBERS = {
    "keuangan/akuntansi/penerimaan": ("jumlah",),
    "keuangan/akuntansi/pengeluaran": ("jumlah",),
    "keuangan/saldo/saldo_operasional": ("saldo_akhir",),
    "keuangan/saldo/saldo_pengelolaan_kas": ("nilai_deposito", "nilai_bunga"),
    "keuangan/saldo/saldo_dana_kelolaan": ("saldo_akhir",),
    "layanan/sdm/data_pegawai": ("pns", "pppk", "non_pns", "kontrak"),
    "layanan/ikm/bulanan": ("jml_responden",),
}


class Registries:
    def __init__(self, satker: str, key: str) -> None:
        self.satker, self.key = satker, key
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.faults: dict[str, dict[str, Any]] = {t: {} for t in TARGETS}
        self.tokens: dict[str, bool] = {}  # token → still valid
        self.saved: dict[str, dict[str, Any]] = {t: {} for t in TARGETS}
        self.posts: dict[str, dict[str, int]] = {t: {} for t in TARGETS}  # saving posts per key
        self.received: dict[str, dict[str, int]] = {t: {} for t in TARGETS}  # every post per key
        self.requests: dict[str, int] = {t: 0 for t in TARGETS}
        self.deliveries: list[dict[str, Any]] = []  # hooks: every delivery, accepted or not

    def take(self, target: str, fault: str) -> bool:
        """Use up one of the next-n switches."""
        left = self.faults[target].get(fault, 0)
        if left > 0:
            self.faults[target][fault] = left - 1
            return True
        return False


class Handler(BaseHTTPRequestHandler):
    server: "StandInServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: Any) -> None:
        pass

    # ---- plumbing ----

    def _body(self) -> tuple[dict[str, Any], bytes]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        try:
            if kind == "application/x-www-form-urlencoded":
                return {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}, raw
            return (json.loads(raw) if raw else {}), raw
        except (ValueError, UnicodeDecodeError):
            return {}, raw

    def _answer(self, status: int, body: Any, delay: float = 0.0) -> None:
        if delay:
            time.sleep(delay)
        data = b"" if status == 204 else json.dumps(body).encode()
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (its time-out): what was saved stays saved

    # ---- routes ----

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlparse(self.path)
        state = self.server.state
        if url.path == "/_standin/health":
            return self._answer(200, {"status": "ok"})
        if url.path == "/_standin/records":
            target = urllib.parse.parse_qs(url.query).get("target", ["bios"])[0]
            if target not in TARGETS:
                return self._answer(404, {"message": "unknown target"})
            with state.lock:
                return self._answer(200, {"saved": state.saved[target], "posts": state.posts[target],
                                          "received": state.received[target], "requests": state.requests[target],
                                          **({"deliveries": state.deliveries} if target == "hooks" else {})})
        self._answer(404, {"message": "not found"})

    def do_DELETE(self) -> None:  # noqa: N802
        if self.path.startswith("/_standin/faults"):
            with self.server.state.lock:
                self.server.state.faults = {t: {} for t in TARGETS}
            return self._answer(200, {"faults": {}})
        if self.path.startswith("/_standin/records"):
            with self.server.state.lock:
                self.server.state.reset()
            return self._answer(200, {})
        self._answer(404, {"message": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        path = urllib.parse.urlparse(self.path).path
        body, _raw = self._body()
        state = self.server.state
        if path == "/_standin/faults":
            target = body.get("target")
            if target not in TARGETS:
                return self._answer(422, {"message": f"target is one of {', '.join(TARGETS)}"})
            with state.lock:
                state.faults[target].update({k: v for k, v in body.items() if k != "target"})
                return self._answer(200, {"faults": state.faults[target]})
        # Answers are worked out under the lock and sent after it: a slow answer holds up no other.
        if path.startswith("/bios/"):
            return self._answer(*self._bios(path.removeprefix("/bios"), body))
        if path.startswith("/civil/"):
            return self._answer(*self._civil(path.removeprefix("/civil"), body))
        if path.startswith("/hooks/"):
            return self._answer(*self._hook(path.removeprefix("/hooks/"), _raw))
        self._answer(404, {"message": "not found"})

    def _hook(self, name: str, raw: bytes) -> tuple[int, Any, float]:
        state = self.server.state
        with state.lock:
            faults = dict(state.faults["hooks"])
            delay = float(faults.get("slow_seconds") or 0)
            state.requests["hooks"] += 1
            delivery_id = self.headers.get("Satupintu-Delivery") or ""
            state.received["hooks"][delivery_id] = state.received["hooks"].get(delivery_id, 0) + 1
            status = 503 if faults.get("down") else 500 if state.take("hooks", "fail") else 204
            state.deliveries.append({
                "hook": name, "status": status, "event": self.headers.get("Satupintu-Event"),
                "delivery": delivery_id, "signature": self.headers.get("Satupintu-Signature"),
                "body": raw.decode("utf-8", "replace"),
            })
            if status == 204:
                state.saved["hooks"][delivery_id] = {"hook": name}
                state.posts["hooks"][delivery_id] = state.posts["hooks"].get(delivery_id, 0) + 1
        return (status, None, delay)

    def _bios(self, path: str, body: dict[str, Any]) -> tuple[int, Any, float]:
        state = self.server.state
        with state.lock:
            faults = dict(state.faults["bios"])
            delay = float(faults.get("slow_seconds") or 0)
            if faults.get("down"):
                return (503, {"message": "Service Unavailable"}, delay)
            if path == "/api/token":
                if body.get("satker") != state.satker or body.get("key") != state.key:
                    return (200, {"status": "MSG40101", "message": "satker atau key tidak sesuai"}, delay)
                token = uuid.uuid4().hex
                state.tokens[token] = True
                return (200, {"status": "MSG20004", "message": "token dibuat", "token": token}, delay)
            if not path.startswith("/api/ws/"):
                return (404, {"status": "MSG40400", "message": "endpoint tidak ditemukan"}, delay)
            dataset = path.removeprefix("/api/ws/")
            state.requests["bios"] += 1
            key_field = _DATASET_KEYS.get(dataset)
            if key_field:
                received = f"{dataset}|{body.get('tgl_transaksi')}|{body.get(key_field)}"
                state.received["bios"][received] = state.received["bios"].get(received, 0) + 1
            token = self.headers.get("token") or ""
            if token not in state.tokens:
                return (200, {"status": "MSG40102", "message": "token tidak valid"}, delay)
            if not state.tokens[token]:
                return (200, {"status": "MSG40103", "message": "token expired"}, delay)
            if state.take("bios", "fail"):
                return (500, {"message": "Internal Server Error"}, delay)
            if state.take("bios", "error200"):
                return (200, {"status": "MSG50001", "message": "gagal menyimpan data"}, delay)
            problem = _bios_problem(dataset, key_field, body)
            where = faults.get("reject_where") or {}
            if where and all(str(body.get(name)) == str(value) for name, value in where.items()):
                problem = "data ditolak: " + ", ".join(f"{name}={value}" for name, value in where.items())
            if problem or state.take("bios", "reject"):
                return (200, {"status": "MSG40001", "message": problem or "data ditolak"}, delay)
            key = f"{dataset}|{body['tgl_transaksi']}|{body[key_field]}"
            state.saved["bios"][key] = body
            state.posts["bios"][key] = state.posts["bios"].get(key, 0) + 1
            if "expire_after" in faults:
                left = int(faults["expire_after"]) - 1
                state.faults["bios"]["expire_after"] = left
                if left <= 0:
                    state.faults["bios"].pop("expire_after")
                    state.tokens = dict.fromkeys(state.tokens, False)
        return (200, {"status": "MSG20003", "message": "Data berhasil disimpan"}, delay)

    def _civil(self, path: str, body: dict[str, Any]) -> tuple[int, Any, float]:
        state = self.server.state
        with state.lock:
            faults = dict(state.faults["civil"])
            delay = float(faults.get("slow_seconds") or 0)
            if faults.get("down"):
                return (503, {"message": "Service Unavailable"}, delay)
            if path == "/nik/verify":
                return (200, {"result": "SESUAI" if _nik_matches(body) else "TIDAK SESUAI"}, delay)
            if path != "/events":
                return (404, {"message": "not found"}, delay)
            state.requests["civil"] += 1
            key = self.headers.get("Idempotency-Key") or ""
            state.received["civil"][key] = state.received["civil"].get(key, 0) + 1
            if not key:
                return (400, {"message": "Idempotency-Key is required"}, delay)
            if key in state.saved["civil"]:
                state.posts["civil"][key] += 1
                return (201, {"registry_id": state.saved["civil"][key]["registry_id"]}, delay)
            if state.take("civil", "fail"):
                return (500, {"message": "Internal Server Error"}, delay)
            if state.take("civil", "error200"):
                return (200, {"error": "antrian penuh"}, delay)
            if body.get("type") not in ("birth", "death", "move") or not body.get("occurred_on") or not body.get("nik") \
                    or state.take("civil", "reject"):
                return (422, {"message": "event tidak lengkap atau tidak dikenal"}, delay)
            registry_id = f"DKP-{uuid.uuid4().hex[:12].upper()}"
            state.saved["civil"][key] = {"registry_id": registry_id, "event": body}
            state.posts["civil"][key] = 1
        return (201, {"registry_id": registry_id}, delay)


def _bios_problem(dataset: str, key_field: str | None, body: dict[str, Any]) -> str | None:
    if key_field is None:
        return f"dataset {dataset} tidak dikenal"
    try:
        date.fromisoformat(str(body.get("tgl_transaksi")))
    except ValueError:
        return "tgl_transaksi wajib diisi (YYYY-MM-DD)"
    if not body.get(key_field):
        return f"{key_field} wajib diisi"
    for name in _DATASET_NUMBERS.get(dataset, ()):
        if not str(body.get(name, "")).isdigit():
            return f"{name} wajib berupa angka"
    return None


def _nik_matches(body: dict[str, Any]) -> bool:
    nik, born = str(body.get("nik") or ""), str(body.get("birth_date") or "")
    if len(nik) != 16 or not nik.isdigit() or len(born) != 10 or not body.get("name"):
        return False
    day = int(nik[6:8])
    day = day - 40 if day > 40 else day
    return born[8:10] == f"{day:02d}" and born[5:7] == nik[8:10] and born[2:4] == nik[10:12]


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, satker: str, key: str) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = Registries(satker, key)


def serve(port: int, satker: str, key: str) -> StandInServer:
    """Start in a thread (tests); answers the server (`.shutdown()` stops it)."""
    server = StandInServer(port, satker, key)
    threading.Thread(target=server.serve_forever, daemon=True, name="registry-stand-ins").start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--satker", default="satupintu-demo")
    parser.add_argument("--key", default="local-demo-key")
    args = parser.parse_args()
    server = StandInServer(args.port, args.satker, args.key)
    print(f"registry stand-ins on http://127.0.0.1:{args.port} (bios, civil, hooks)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
