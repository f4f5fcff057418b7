"""The AWS calls one application lifecycle makes, the API's and the worker's together (issue 21:
at most 100). A lifecycle is what the load benchmark plays: a city business permit created, its
two documents uploaded and scanned, submitted, and approved by its three deciders; every queue
function the lifecycle wakes runs in-process on what was queued (the scan, the notifications and
their e-mails, the receipt and the certificate), as Lambda would run it.

Lambda's own polling of the queues is not a call of any function (tests/aws_calls.py records the
functions' calls only), nor is the browser's post of a file to S3 (the presigned URL counts as a
call of the API that signed it)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests import aws_calls, files
from tests.support import deliver_queue, upload_document

BUDGET = 100
QUEUE_FUNCTIONS = ("scan_upload", "notify", "render_pdf", "run_integration")
PERMIT = {
    "owner_nik": "3276061708850003", "owner_name": "Budi Santoso", "owner_npwp": "01.312.166.0-091.000",
    "owner_phone": "081234567890", "business_name": "Warung Makan Sederhana", "business_address": "Jl. Margonda 1",
    "kbli": "56102", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2,
}
DECIDERS = ("fo.dpmptsp", "teknis.dpmptsp", "kepala.dpmptsp")


def drain(api) -> int:
    """Every queue function the lifecycle woke, until nothing it queued is left; answers how
    many messages were handed to them."""
    total = 0
    while delivered := sum(deliver_queue(api.deps, name) for name in QUEUE_FUNCTIONS):
        total += delivered
    return total


def breakdown(calls: list[aws_calls.Call], messages: int) -> str:
    by_function = Counter(call.function for call in calls)
    lines = [f"{len(calls)} AWS calls in one lifecycle (budget {BUDGET}); besides, Lambda's pollers took "
             f"{messages} messages off the queues (a ReceiveMessage and a DeleteMessage each)"]
    for function, total in by_function.most_common():
        lines.append(f"  {function}: {total}")
        operations = Counter(call.operation for call in calls if call.function == function)
        lines += [f"    {operation}: {count}" for operation, count in operations.most_common()]
    return "\n".join(lines)


@pytest.fixture
def people(api, seeded):
    _, applicant = api.register_verified()
    drain(api)  # the registration's code is not the lifecycle's
    api.deliver_mail()
    return {"applicant": applicant, **{login: api.login(f"{login}@demo.satupintu.id") for login in DECIDERS}}


def lifecycle(api, people) -> tuple[dict, int]:
    """Answers the application as the last decision left it, and how many queue messages the
    lifecycle made."""
    applicant, messages = people["applicant"], 0
    created = api.post("/applications", {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office",
                                         "data": PERMIT}, token=applicant)
    assert created.status == 201, created.text
    app_id = created.json["id"]
    for requirement, name in (("ktp", "ktp.pdf"), ("npwp_card", "npwp.pdf")):
        upload_document(api, applicant, app_id, requirement, name, "application/pdf", files.pdf(name), scan=False)
        messages += drain(api)
    app = api.post(f"/applications/{app_id}/submit", token=applicant)
    assert app.status == 200, app.text
    messages += drain(api)
    for step, decider in enumerate(DECIDERS, start=1):
        decided = api.post(f"/applications/{app_id}/decision", {"action": "approve", "step": step}, token=people[decider])
        assert decided.status == 200, decided.text
        messages += drain(api)
    return decided.json, messages


def test_one_lifecycle_makes_at_most_a_hundred_aws_calls(api, people, capsys):
    # A first lifecycle warms up what each container looks up once (queue URLs, the NIK key):
    # the load benchmark's lifecycles run on warm containers.
    lifecycle(api, people)
    with aws_calls.capture() as calls:
        app, messages = lifecycle(api, people)
    # What the lifecycle made, read outside the count (a client reads it once, at the end).
    assert app["status"] == "approved"
    documents = api.get(f"/applications/{app['id']}/documents", token=people["applicant"]).json["items"]
    assert sorted((d["requirement"], d["status"]) for d in documents) == [("ktp", "clean"), ("npwp_card", "clean")]
    for paper in ("receipt", "certificate"):
        assert api.get(f"/applications/{app['id']}/{paper}", token=people["applicant"]).status == 200, paper
    report = breakdown(calls, messages)
    with capsys.disabled():
        print("\n" + report)
    assert len(calls) <= BUDGET, report
