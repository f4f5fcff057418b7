"""Who reaches what, over the API in-process (SPEC.md, "Users and roles"; issue 16, items 6
and 7): an application, its documents, history and papers are read by the roles that work on
applications, never by viewers or ops; and a caller without the right a route needs gets the
404 of something out of reach whatever body they send, never a 422 telling what is valid nor a
403 saying it is there."""

import pytest

from tests import files
from tests.integration.test_applications import decide, file
from tests.support import (
    deliver_queue, file_spending_report, make_office_tree, make_people, make_sales_tree, upload_document,
)

# Every staff role, each held at an office above where the application is filed, and whether it
# reads a city permit there (SPEC.md: "applications, their documents and history need a role
# that works on applications at or above their node"; viewers see figures, ops logs).
READS_A_PERMIT = {
    "submitter": True,
    "verifier": True,
    "approver": True,
    "admin": True,
    "budget_allocator": False,  # marketing-fee applications only
    "budget_recommender": False,
    "viewer": False,
    "ops": False,
}


def reads(api, token, app_id, document_id):
    """The status of each way of reading the application: itself, its documents, one document,
    its history, its receipt and its certificate."""
    base = f"/applications/{app_id}"
    answers = {path: api.get(base + path, token=token) for path in
               ("", "/documents", f"/documents/{document_id}", "/history", "/receipt", "/certificate")}
    for path, answer in answers.items():
        assert answer.status in (200, 404), (path, answer.text)
        if answer.status == 404:
            assert answer.content_type == "application/problem+json"
            assert app_id not in answer.text and "Izin" not in answer.text, path  # nothing of it shows
    return {path: answer.status for path, answer in answers.items()}


def test_an_application_its_documents_history_and_papers_are_read_by_the_roles_that_work_on_applications(api, seeded):
    nodes = make_office_tree(api.deps)
    people = make_people(api, {
        **{role: [(role, nodes["office"])] for role in READS_A_PERMIT},
        "desk_verifier": [("verifier", nodes["desk"])],
        "dept_verifier": [("verifier", nodes["department"])],
        "applicant": [], "stranger": [],
    })
    app = file(api, people["applicant"], nodes["desk"], {"title": "Izin rahasia", "amount": 5_000_000})
    offered = upload_document(api, people["applicant"], app["id"], "attachment", "denah.pdf", "application/pdf", files.pdf())
    app = api.post(f"/applications/{app['id']}/submit", token=people["applicant"]).json
    for decider in ("desk_verifier", "dept_verifier", "approver"):
        app = decide(api, people[decider], app).json
    assert app["status"] == "approved"
    deliver_queue(api.deps, "render_pdf")  # the receipt and the certificate

    everything = {path: 200 for path in ("", "/documents", f"/documents/{offered['document_id']}", "/history",
                                         "/receipt", "/certificate")}
    nothing = dict.fromkeys(everything, 404)
    assert reads(api, people["applicant"], app["id"], offered["document_id"]) == everything  # always their own
    assert reads(api, people["stranger"], app["id"], offered["document_id"]) == nothing
    for role, allowed in READS_A_PERMIT.items():
        seen = reads(api, people[role], app["id"], offered["document_id"])
        assert seen == (everything if allowed else nothing), role
        # Lists leave it out alike. The office's list is out of reach for viewers and ops; the
        # marketing-fee roles list that program's applications there, so not this one.
        listed = api.get(f"/applications?node_id={nodes['office']}", token=people[role])
        assert listed.status == (404 if role in ("viewer", "ops") else 200), role
        if listed.status == 200:
            assert (app["id"] in [a["id"] for a in listed.json["items"]]) is allowed, role
        in_any_list = api.get("/applications", token=people[role]).json["items"]
        assert (app["id"] in [a["id"] for a in in_any_list]) is allowed, role


def test_the_marketing_fee_roles_read_that_programs_applications_and_viewers_and_ops_do_not(api, seeded):
    nodes = make_sales_tree(api.deps)
    roles = ("budget_allocator", "budget_recommender", "viewer", "ops")
    people = make_people(api, {**{role: [(role, nodes["area"])] for role in roles},
                               "staff": [("submitter", nodes["cluster_a"])]})
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date().isoformat()
    report = file_spending_report(api, people["staff"], nodes["cluster_a"], "OUTLET", 1_000_000, today,
                                  photo=files.png(320, 240))
    [evidence] = api.get(f"/applications/{report['id']}/documents", token=people["staff"]).json["items"]
    for role in roles:
        allowed = role.startswith("budget_")
        for path in ("", "/documents", f"/documents/{evidence['document_id']}", "/history"):
            answer = api.get(f"/applications/{report['id']}{path}", token=people[role])
            assert answer.status == (200 if allowed else 404), (role, path, answer.text)
        # Figures stay visible to all four: the area's dashboard counts the report.
        board = api.get(f"/dashboard/{nodes['area']}?period={today[:7]}", token=people[role])
        assert board.status == (404 if role == "ops" else 200), (role, board.text)


# ---- authorization before validation ---------------------------------------------------------------

@pytest.fixture
def world(api, seeded):
    office = make_office_tree(api.deps)
    sales = make_sales_tree(api.deps)
    people = make_people(api, {
        "applicant": [], "other_applicant": [],
        "viewer": [("viewer", "org-demo")], "ops": [("ops", "org-demo")],
        "desk_verifier": [("verifier", office["desk"])],
    })
    app = file(api, people["applicant"], office["desk"])
    return {**people, **{f"office_{k}": v for k, v in office.items()}, **{f"sales_{k}": v for k, v in sales.items()},
            "app": app["id"]}


def gated_routes(w):
    """(who, method, path, a well-formed body, a malformed one): routes `who` has no right to."""
    app, office, branch = w["app"], w["office_office"], w["sales_branch"]
    subscription = {"url": "https://example.org/hook", "events": ["application.submitted"], "node_id": office}
    return [
        # admin only
        ("ops", "POST", "/subscriptions", subscription, {"url": 5, "events": ["application.exploded"]}),
        ("viewer", "POST", "/subscriptions", subscription, b'{"url": '),
        ("applicant", "GET", "/subscriptions?limit=5", None, "/subscriptions?limit=100000"),
        ("ops", "POST", "/org/nodes", {"parent_id": office, "kind": "desk", "name": "Meja"},
         {"parent_id": office, "kind": "NOT A KIND", "name": "", "shape": "round"}),
        ("viewer", "POST", "/admin/users", {"email": "baru@example.id", "name": "Baru",
                                            "roles": [{"role": "verifier", "node_id": office}]},
         {"email": "not an address", "roles": [{"role": "emperor", "node_id": office}]}),
        # ops only
        ("viewer", "GET", "/integrations/sends?target=bios", None, "/integrations/sends?target=nowhere"),
        ("desk_verifier", "POST", "/integrations/bios/run", {"date": "2026-01-01"}, {"date": "yesterday"}),
        ("applicant", "GET", "/ops/failed-notifications?limit=5", None, "/ops/failed-notifications?limit=0"),
        # those who work on applications
        ("viewer", "POST", "/nik/check", {"nik": "3276064503900002"}, {"nik": 5}),
        ("ops", "POST", "/npwp/check", {"npwp": "013121660091000"}, {"npwp": ["x"]}),
        ("viewer", "POST", "/applications/by-nik", {"nik": "3276064503900002"}, {"nik": "1", "limit": 0}),
        ("applicant", "POST", "/decisions", {"application_ids": [app], "action": "approve"},
         {"application_ids": "all", "action": "explode"}),
        ("ops", "POST", "/delegations", {"role": "verifier", "node_id": office, "delegate_email": "a@example.id",
                                         "starts_at": "2026-01-01T00:00:00+07:00", "ends_at": "2026-01-02T00:00:00+07:00"},
         {"role": "verifier", "starts_at": "soon"}),
        # budgets and figures
        ("viewer", "PUT", f"/budgets/{branch}/2026-01", {"amount": 1000}, {"amount": -1}),
        ("viewer", "PUT", f"/budgets/{branch}/2026-13", {"amount": 1000}, {"amount": "a lot"}),
        ("viewer", "PUT", f"/budgets/{branch}/2026-01/recommendation", {"categories": {"OUTLET": 1}}, {"categories": "x"}),
        ("ops", "GET", f"/dashboard/{branch}?period=2026-01", None, f"/dashboard/{branch}?period=januari"),
        ("ops", "GET", f"/dashboard/{branch}/export.csv?period=2026-01", None, f"/dashboard/{branch}/export.csv"),
        ("ops", "POST", "/reports", {"kind": "budget-usage", "node_id": branch, "period": "2026-01"},
         {"kind": "everything", "node_id": branch}),
        # the usage report carries evidence photos: not a viewer's
        ("viewer", "POST", "/reports", {"kind": "budget-usage", "node_id": branch, "period": "2026-01"},
         {"kind": "everything", "node_id": branch}),
        # an application out of reach (another's; or a viewer's or ops' above it)
        ("other_applicant", "PATCH", f"/applications/{app}", {"data": {"title": "Diubah"}}, {"data": "x", "more": 1}),
        ("viewer", "POST", f"/applications/{app}/decision", {"action": "approve", "step": 1}, {"action": "explode"}),
        ("ops", "POST", f"/applications/{app}/withdraw", {"reason": "salah"}, {"reason": 5}),
        ("viewer", "POST", f"/applications/{app}/suspend", {"reason": "menunggu"}, {"reason": ["x"]}),
        ("ops", "POST", f"/applications/{app}/certificate/revoke", {"reason": "palsu"}, {}),
        ("other_applicant", "POST", f"/applications/{app}/documents",
         {"requirement": "attachment", "filename": "a.pdf", "content_type": "application/pdf", "size": 10},
         {"requirement": "attachment", "size": "big"}),
    ]


def send(api, token, method, path, body):
    if isinstance(body, str):  # a malformed query: the path is the request
        return api.call(method, body, token=token)
    if isinstance(body, bytes):
        return api.call(method, path, raw=body, token=token)
    return api.call(method, path, body, token=token)


def test_a_caller_without_the_right_gets_the_same_404_for_a_malformed_request_as_for_a_good_one(api, world):
    seen = []
    for who, method, path, good, bad in gated_routes(world):
        answers = [send(api, world[who], method, path, good), send(api, world[who], method, path, bad)]
        for answer in answers:
            assert answer.status == 404, (who, method, path, answer.text)
            assert answer.content_type == "application/problem+json"
            assert "errors" not in answer.json, (who, method, path)  # no field told about
        assert answers[0].json == answers[1].json, (who, method, path)  # the same answer, word for word
        seen.append(path)
    # The well-formed ones changed nothing: no subscription, office, budget or decision was made.
    admin = api.login("admin@demo.satupintu.id", "satupintu-demo")
    assert "https://example.org/hook" not in [s["url"] for s in api.get("/subscriptions", token=admin).json["items"]]
    assert [c["kind"] for c in api.get(f"/org/nodes/{world['office_office']}", token=admin).json["children"]] == [
        "department"]
    assert api.get(f"/applications/{world['app']}", token=world["applicant"]).json["status"] == "draft"
    assert len(seen) == len(gated_routes(world))


# Routes that read a body or a query and are open to every signed-in user (each answers for the
# caller's own things, or checks what it is given as data); every other one declares its gate.
OPEN_TO_EVERY_USER = {
    ("POST", "/auth/logout"), ("PATCH", "/me"), ("POST", "/applications"), ("GET", "/applications"),
    ("GET", "/inbox"), ("GET", "/notifications"),
}


def test_every_route_that_reads_a_request_and_is_not_open_to_every_user_asks_its_gate_first():
    from chalicelib.api.http import resolve
    from chalicelib.api.routes import ROUTES

    ungated = sorted((method, path) for method, path, target in ROUTES
                     if (ep := resolve(target)).auth and not ep.local_only and (ep.body or ep.query)
                     and ep.gate is None and (method, path) not in OPEN_TO_EVERY_USER)
    assert ungated == []
