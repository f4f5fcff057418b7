"""One application lifecycle over HTTP, as the load benchmark's clients live it, and the reads
beside it. Used by the Locust file (bench/locustfile.py, through Locust's HTTP session, so each
request is timed by its route) and by bench/load.py for the lone lifecycle whose AWS calls are
counted (through a plain requests session).

The lifecycle: the micro and small business permit (`city-business-permit`, filed at the city's
one-stop front office), whose lifecycle is exactly the issue's: create, two uploads (KTP and NPWP
card) through the presigned POST, wait for their scans, submit, three decisions (front office,
technical review, the head of the office) to approval.
"""

from __future__ import annotations

import io
import itertools
import math
import time
from typing import Any, Callable, Iterator

SERVICE_ID = "city-business-permit"
FILING_NODE = "dpmptsp-front-office"
DASHBOARD_NODE = "dpmptsp-depok"
REQUIREMENTS = ("ktp", "npwp_card")
# (demo account, step) in the order the business permit's steps are decided.
DECIDERS = (("fo.dpmptsp", 1), ("teknis.dpmptsp", 2), ("kepala.dpmptsp", 3))
INBOX_READER = "fo.dpmptsp"
DASHBOARD_READER = "kepala.dpmptsp"
FORM = {
    "owner_nik": "3276061708850003", "owner_name": "Beban Pemilik", "owner_npwp": "01.855.081.4-005.000",
    "owner_phone": "081234567890", "business_name": "Usaha Beban", "business_address": "Jl. Beban 1",
    "kbli": "56303", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2,
}
# The bar for a scan: past this the lifecycle has failed.
SCAN_DEADLINE_SECONDS = 120.0
READ_KINDS = ("inbox", "application", "dashboard", "track")


class LifecycleFailed(Exception):
    """A step answered what a working system would not (or too late); the message says which."""


def arrival_schedule(rate: float, seconds: float) -> list[float]:
    """Offsets (seconds from the start) at which work arrives: `rate` a second, evenly spaced, for
    `seconds` — an open model, each arrival independent of whether the ones before have finished."""
    if rate <= 0 or seconds <= 0:
        return []
    count = math.floor(rate * seconds + 1e-9)
    return [index / rate for index in range(count)]


def merged_schedule(lifecycle_rate: float, read_rate: float, seconds: float) -> list[tuple[float, str]]:
    """Both schedules as one time line of (offset, "lifecycle" | "read"), earliest first."""
    arrivals = [(t, "lifecycle") for t in arrival_schedule(lifecycle_rate, seconds)]
    arrivals += [(t, "read") for t in arrival_schedule(read_rate, seconds)]
    return sorted(arrivals)


def scan_backoff(first: float = 0.5, ceiling: float = 4.0) -> Iterator[float]:
    """The pauses between a client's looks at a document being scanned: 0.5 s, doubling, at most 4 s
    (as the web app backs off), never a fixed one-second poll."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 2, ceiling)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 120, 200)).save(out, format="PNG")
    return out.getvalue()


class Api:
    """The API and the presigned POST over a requests-like session. With Locust's session
    (`named=True`) every request is reported under its route, not its URL."""

    def __init__(self, session: Any, base_url: str, named: bool = False, timeout: float = 130.0) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.named = named
        self.timeout = timeout

    def call(self, method: str, route: str, path: str | None = None, token: str | None = None,
             body: Any = None, expect: tuple[int, ...] = (200,)) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        extra = {"name": route} if self.named else {}
        answer = self.session.request(method, self.base_url + (path or route), json=body, headers=headers,
                                      timeout=self.timeout, **extra)
        if answer.status_code not in expect:
            raise LifecycleFailed(f"{method} {route} answered {answer.status_code}")
        return answer.json() if answer.content else None

    def post_file(self, upload: dict[str, Any], filename: str, content_type: str, data: bytes) -> None:
        """What the browser does with a presigned POST: the form's fields, then the file."""
        extra = {"name": "<storage> presigned upload"} if self.named else {}
        answer = self.session.request("POST", upload["url"], data=dict(upload["fields"]),
                                      files={"file": (filename, data, content_type)}, timeout=self.timeout, **extra)
        if answer.status_code not in (200, 201, 204):
            raise LifecycleFailed(f"the presigned upload answered {answer.status_code}")


def wait_for_scans(api: Api, token: str, app_id: str, uploaded_at: dict[str, float],
                   sleep: Callable[[float], None], clock: Callable[[], float]) -> list[float]:
    """Looks at the application's documents, backing off, until every one is clean; answers each
    document's wait from its upload to the look that saw it clean."""
    waits: dict[str, float] = {}
    deadline = min(uploaded_at.values()) + SCAN_DEADLINE_SECONDS
    for pause in scan_backoff():
        sleep(pause)
        items = api.call("GET", "/applications/{id}/documents", f"/applications/{app_id}/documents", token)["items"]
        seen = clock()
        for item in items:
            if item["document_id"] in uploaded_at and item["document_id"] not in waits:
                if item["status"] == "rejected":
                    raise LifecycleFailed(f"a document was rejected by the scan: {item.get('reasons')}")
                if item["status"] == "clean":
                    waits[item["document_id"]] = seen - uploaded_at[item["document_id"]]
        if len(waits) == len(uploaded_at):
            return list(waits.values())
        if seen > deadline:
            raise LifecycleFailed(f"scans not done within {SCAN_DEADLINE_SECONDS:.0f} s")
    raise AssertionError("unreachable: the backoff never ends")


def run_lifecycle(api: Api, applicant_token: str, decider_tokens: dict[str, str], png: bytes,
                  sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> dict:
    """Create, upload two files, wait for their scans, submit, three approvals. Answers the
    application's id and tracking code and each document's scan wait; raises LifecycleFailed."""
    app = api.call("POST", "/applications", body={"service_id": SERVICE_ID, "node_id": FILING_NODE, "data": FORM},
                   token=applicant_token, expect=(201, 200))
    app_id = app["id"]
    uploaded_at: dict[str, float] = {}
    for requirement in REQUIREMENTS:
        offered = api.call("POST", "/applications/{id}/documents", f"/applications/{app_id}/documents",
                           applicant_token, {"requirement": requirement, "filename": f"{requirement}.png",
                                             "content_type": "image/png", "size": len(png)}, expect=(201,))
        api.post_file(offered["upload"], f"{requirement}.png", "image/png", png)
        uploaded_at[offered["document_id"]] = clock()
    scan_waits = wait_for_scans(api, applicant_token, app_id, uploaded_at, sleep, clock)
    api.call("POST", "/applications/{id}/submit", f"/applications/{app_id}/submit", applicant_token)
    decided = None
    for who, step in DECIDERS:
        decided = api.call("POST", "/applications/{id}/decision", f"/applications/{app_id}/decision",
                           decider_tokens[who], {"action": "approve", "step": step})
    if not decided or decided.get("status") != "approved":
        raise LifecycleFailed(f"the third decision left the application {decided and decided.get('status')}")
    return {"app_id": app_id, "tracking_code": app["tracking_code"], "scan_waits": scan_waits}


def read_kinds() -> Iterator[str]:
    """The read mix, in turn: the front office's inbox, an application, the office's dashboard,
    tracking by code."""
    return itertools.cycle(READ_KINDS)


def read_once(api: Api, kind: str, target: dict[str, str], tokens: dict[str, str], period: str) -> None:
    """One read of the mix. `target` is an application ({"id", "tracking_code", "token"} of its
    applicant) made by an earlier lifecycle or by the setup."""
    if kind == "inbox":
        api.call("GET", "/inbox", "/inbox?limit=50", tokens[INBOX_READER])
    elif kind == "application":
        api.call("GET", "/applications/{id}", f"/applications/{target['id']}", target["token"])
    elif kind == "dashboard":
        api.call("GET", "/dashboard/{node_id}", f"/dashboard/{DASHBOARD_NODE}?period={period}",
                 tokens[DASHBOARD_READER])
    else:
        api.call("GET", "/track/{code}", f"/track/{target['tracking_code']}")
