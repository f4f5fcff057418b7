"""issue 20: admin — an office's staff roll, roles granted and revoked by its admins (revoking
ends the delegations lent out of the role), offices opened with their real region code, and
subscriptions paused and resumed."""

from datetime import timedelta

import pytest

from tests.support import make_office_tree, make_people, make_user, unique_email, unique_tag


@pytest.fixture
def tree(api, seeded):
    """A fresh office → department → desks, its admin, and an admin of another office."""
    nodes = make_office_tree(api.deps)
    other = make_office_tree(api.deps)
    return {**nodes, "other_office": other["office"],
            **make_people(api, {"admin": [("admin", nodes["office"])], "other_admin": [("admin", other["office"])],
                                "desk_verifier": [("verifier", nodes["desk"])]})}


def roll(api, token, node_id, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(f"/org/nodes/{node_id}/staff" + (f"?{params}" if params else ""), token=token)


def test_an_admin_sees_who_holds_what_at_an_office_page_by_page(api, tree):
    people = [make_user(api.deps, [("submitter", tree["desk"]), ("viewer", tree["desk"])], name=f"Staf {i}")[0]
              for i in range(2)]
    make_user(api.deps, [("approver", tree["department"])])  # another office's: not on this roll
    first = roll(api, tree["admin"], tree["desk"], limit=3)
    assert first.status == 200, first.text
    assert len(first.json["items"]) == 3 and first.json["next_cursor"]
    rest = roll(api, tree["admin"], tree["desk"], limit=3, cursor=first.json["next_cursor"])
    rows = first.json["items"] + rest.json["items"]
    assert rest.json["next_cursor"] is None
    held = {(r["email"], r["role"]) for r in rows}
    expected = {(p.email, role) for p in people for role in ("submitter", "viewer")}
    assert held == expected | {(tree["desk_verifier_email"], "verifier")}
    row = next(r for r in rows if r["email"] == people[0].email)
    assert row["name"] == "Staf 0" and row["status"] == "active" and row["node_id"] == tree["desk"]
    assert row["granted_at"].endswith("+07:00")


def test_the_roll_is_only_for_admins_reaching_the_office(api, tree):
    assert roll(api, tree["admin"], tree["desk"]).status == 200  # below the admin's office
    for token, node in ((tree["desk_verifier"], tree["desk"]), (tree["other_admin"], tree["desk"]),
                        (tree["admin"], tree["other_office"]), (tree["admin"], "no-such-office")):
        answer = roll(api, token, node)
        assert answer.status == 404, (node, answer.text)
        assert answer.content_type == "application/problem+json"
    assert roll(api, tree["admin"], tree["desk"], cursor="bm90LW91cnM").status == 422


def test_an_invited_person_is_on_the_roll_until_they_set_a_password(api, tree):
    email = unique_email("clerk")
    invited = api.post("/admin/users", {"email": email, "name": "Clerk Baru",
                                        "roles": [{"role": "submitter", "node_id": tree["desk"]}]}, token=tree["admin"])
    assert invited.status == 201, invited.text
    row = next(r for r in roll(api, tree["admin"], tree["desk"]).json["items"] if r["email"] == email)
    assert (row["status"], row["role"], row["user_id"]) == ("pending", "submitter", invited.json["id"])


def test_an_admin_grants_a_role_and_it_holds_at_once(api, tree):
    user, password = make_user(api.deps, [("viewer", tree["department"])])
    token = api.login(user.email, password)
    granted = api.post(f"/admin/users/{user.id}/roles", {"role": "verifier", "node_id": tree["desk"]}, token=tree["admin"])
    assert granted.status == 201, granted.text
    assert {"role": "verifier", "node_id": tree["desk"]} in granted.json["roles"]
    assert {"role": "verifier", "node_id": tree["desk"]} in api.get("/me", token=token).json["roles"]
    assert (user.email, "verifier") in {(r["email"], r["role"]) for r in roll(api, tree["admin"], tree["desk"]).json["items"]}
    assert api.wait_for_mail(user.email, "Peran baru")
    again = api.post(f"/admin/users/{user.id}/roles", {"role": "verifier", "node_id": tree["desk"]}, token=tree["admin"])
    assert again.status == 409


@pytest.mark.parametrize("case, status", [("unknown role", 422), ("no such account", 404), ("office out of reach", 404),
                                          ("not an admin", 404), ("not logged in", 401)])
def test_a_grant_is_refused_to_whoever_may_not_make_it(api, tree, case, status):
    user, _ = make_user(api.deps, [])
    user_id, body, token = user.id, {"role": "verifier", "node_id": tree["desk"]}, tree["admin"]
    if case == "unknown role":
        body = {"role": "emperor", "node_id": tree["desk"]}
    elif case == "no such account":
        user_id = "usr_nobody_here"
    elif case == "office out of reach":
        body = {"role": "verifier", "node_id": tree["other_office"]}
    elif case == "not an admin":
        token = tree["desk_verifier"]
    elif case == "not logged in":
        token = None
    answer = api.post(f"/admin/users/{user_id}/roles", body, token=token)
    assert answer.status == status, answer.text
    assert answer.content_type == "application/problem+json"
    assert api.get(f"/org/nodes/{tree['desk']}", token=api.login(user.email, "correct horse 1")).status == 404


def lend(api, token, role, node_id, delegate_email):
    now = api.deps.clock.now()
    answer = api.post("/delegations", {"role": role, "node_id": node_id, "delegate_email": delegate_email,
                                       "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=7)).isoformat()},
                      token=token)
    assert answer.status == 201, answer.text
    return answer.json["id"]


def test_revoking_a_role_ends_the_delegations_lent_out_of_it_and_no_other(api, tree):
    people = make_people(api, {"holder": [("verifier", tree["desk"]), ("approver", tree["desk"])],
                               "colleague": [("viewer", tree["department"])]})
    lent = lend(api, people["holder"], "verifier", tree["desk"], people["colleague_email"])
    kept = lend(api, people["holder"], "approver", tree["desk"], people["colleague_email"])
    before = api.get("/me", token=people["colleague"]).json["delegated_roles"]
    assert {(d["role"], d["node_id"]) for d in before} == {("verifier", tree["desk"]), ("approver", tree["desk"])}

    revoked = api.delete(f"/admin/users/{people['holder_id']}/roles/verifier/{tree['desk']}", token=tree["admin"])
    assert revoked.status == 200, revoked.text
    assert [d["id"] for d in revoked.json["ended_delegations"]] == [lent]

    assert {"role": "verifier", "node_id": tree["desk"]} not in api.get("/me", token=people["holder"]).json["roles"]
    after = api.get("/me", token=people["colleague"]).json["delegated_roles"]
    assert [(d["role"], d["node_id"]) for d in after] == [("approver", tree["desk"])]
    for who in ("holder", "colleague"):
        assert [d["id"] for d in api.get("/delegations", token=people[who]).json["items"]] == [kept]
    rows = roll(api, tree["admin"], tree["desk"]).json["items"]
    assert (people["holder_email"], "verifier") not in {(r["email"], r["role"]) for r in rows}
    assert (people["holder_email"], "approver") in {(r["email"], r["role"]) for r in rows}
    again = api.delete(f"/admin/users/{people['holder_id']}/roles/verifier/{tree['desk']}", token=tree["admin"])
    assert again.status == 404


def test_a_revocation_is_refused_to_whoever_may_not_make_it(api, tree):
    path = f"/admin/users/{tree['desk_verifier_id']}/roles/verifier/{tree['desk']}"
    assert api.delete(path, token=tree["other_admin"]).status == 404  # not their office
    assert api.delete(path, token=tree["desk_verifier"]).status == 404  # not an admin
    assert api.delete(f"/admin/users/{tree['desk_verifier_id']}/roles/approver/{tree['desk']}",
                      token=tree["admin"]).status == 404  # not held
    own = api.delete(f"/admin/users/{tree['admin_id']}/roles/admin/{tree['office']}", token=tree["admin"])
    assert own.status == 409
    assert {"role": "admin", "node_id": tree["office"]} in api.get("/me", token=tree["admin"]).json["roles"]
    assert api.get(f"/org/nodes/{tree['desk']}", token=tree["desk_verifier"]).status == 200  # nothing changed


def test_an_office_shows_the_offices_above_it_the_caller_reaches(api, tree):
    node = api.get(f"/org/nodes/{tree['desk']}", token=tree["admin"]).json
    assert [a["id"] for a in node["ancestors"]] == [tree["office"], tree["department"]]
    admin = api.login("admin@demo.satupintu.id")
    assert [a["id"] for a in api.get("/org/nodes/kel-kukusan", token=admin).json["ancestors"]] == [
        "org-demo", "kota-depok", "kec-beji"]


@pytest.mark.parametrize("parent, kind, code, rule", [
    ("kec-beji", "kelurahan", None, "region_required"),
    ("kec-beji", "kelurahan", "32.76.06", "region_level"),
    ("kota-depok", "kecamatan", "32.76.99", "region_unknown"),
    ("kota-depok", "kecamatan", "32.71.01", "region_outside_parent"),
    ("kec-beji", "kelurahan", "32.76.01.1001", "region_outside_parent"),
])
def test_a_government_office_needs_the_real_region_code_of_its_level_inside_its_parent(api, seeded, parent, kind, code,
                                                                                      rule):
    admin = api.login("admin@demo.satupintu.id")
    body = {"parent_id": parent, "kind": kind, "name": f"Kantor {unique_tag()}"}
    answer = api.post("/org/nodes", body | ({"region_code": code} if code else {}), token=admin)
    assert answer.status == 422, answer.text
    assert [(e["field"], e["code"]) for e in answer.json["errors"]] == [("region_code", rule)]


def test_a_kecamatan_opens_with_its_real_code(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    answer = api.post("/org/nodes", {"parent_id": "kota-depok", "kind": "kecamatan", "name": f"Kecamatan {unique_tag()}",
                                     "region_code": "32.76.01"}, token=admin)
    assert answer.status == 201, answer.text
    assert answer.json["region_code"] == "32.76.01"


def test_an_admin_pauses_and_resumes_a_subscription(api, tree):
    created = api.post("/subscriptions", {"url": "https://hooks.example.id/satupintu", "events": ["application.approved"],
                                          "node_id": tree["office"]}, token=tree["admin"])
    assert created.status == 201, created.text
    sub = created.json["id"]
    assert api.post(f"/subscriptions/{sub}/pause", token=tree["other_admin"]).status == 404
    assert api.post(f"/subscriptions/{sub}/pause", token=tree["desk_verifier"]).status == 404
    paused = api.post(f"/subscriptions/{sub}/pause", token=tree["admin"])
    assert paused.status == 200, paused.text
    assert paused.json["state"] == "paused" and paused.json["paused_at"]
    assert api.post(f"/subscriptions/{sub}/pause", token=tree["admin"]).json["state"] == "paused"
    assert api.post(f"/subscriptions/{sub}/resume", token=tree["admin"]).json["state"] == "active"
    assert api.get(f"/subscriptions/{sub}", token=tree["admin"]).json["state"] == "active"
