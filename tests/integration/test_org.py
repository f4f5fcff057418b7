"""The org tree and staff over the API: reach, 404 outside it, new offices, invitations."""

from tests.support import DEMO_PASSWORD, make_user, unique_email, unique_tag


def test_staff_read_offices_in_their_reach_and_get_404_outside(api, seeded):
    camat = api.login("camat.beji@demo.satupintu.id")
    beji = api.get("/org/nodes/kec-beji", token=camat)
    assert beji.status == 200
    assert beji.json["region_code"] == "32.76.06"
    assert {c["id"] for c in beji.json["children"]} == {"kel-kukusan", "kel-pondok-cina"}
    assert api.get("/org/nodes/kel-kukusan", token=camat).status == 200  # below
    for outside in ("kota-depok", "dam-agency", "branch-depok", "no-such-node"):  # above, beside, missing
        answer = api.get(f"/org/nodes/{outside}", token=camat)
        assert answer.status == 404, outside
        assert answer.content_type == "application/problem+json"


def test_an_applicant_sees_no_office(api, seeded):
    token = api.login("warga@demo.satupintu.id")
    assert api.get("/org/nodes/org-demo", token=token).status == 404


def test_an_admin_opens_an_office_and_it_is_there_at_once(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    name = f"Kelurahan Uji {unique_tag()}"
    created = api.post("/org/nodes", {"parent_id": "kec-beji", "kind": "kelurahan", "name": name,
                                      "region_code": "32.76.06.1099"}, token=admin)
    assert created.status == 201, created.text
    node = created.json
    assert node["path"] == ["org-demo", "kota-depok", "kec-beji", node["id"]]
    children = api.get("/org/nodes/kec-beji", token=admin).json["children"]
    assert node["id"] in [c["id"] for c in children]
    again = api.post("/org/nodes", {"parent_id": "kec-beji", "kind": "kelurahan", "name": name,
                                    "region_code": "32.76.06.1098"}, token=admin)
    assert again.status == 409


def test_only_an_admin_reaching_the_parent_opens_offices(api, seeded):
    camat = api.login("camat.beji@demo.satupintu.id")
    body = {"parent_id": "kec-beji", "kind": "kelurahan", "name": "Kelurahan Liar"}
    assert api.post("/org/nodes", body, token=camat).status == 404
    branch_admin, password = make_user(api.deps, [("admin", "branch-depok")])
    token = api.login(branch_admin.email, password)
    assert api.post("/org/nodes", body, token=token).status == 404
    ok = api.post("/org/nodes", {"parent_id": "branch-depok", "kind": "cluster", "name": f"Cluster {unique_tag()}"},
                  token=token)
    assert ok.status == 201


def test_bad_offices_are_refused_naming_the_field(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    answer = api.post("/org/nodes", {"parent_id": "kec-beji", "kind": "Kelurahan!", "name": " ", "region_code": "x"},
                      token=admin)
    assert answer.status == 422
    assert {e["field"] for e in answer.json["errors"]} == {"kind", "name", "region_code"}


def test_the_tree_is_at_most_six_levels_deep(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    parent = "cluster-depok-utara"  # depth 4
    level5 = api.post("/org/nodes", {"parent_id": parent, "kind": "outlet", "name": f"Outlet {unique_tag()}"},
                      token=admin)
    assert level5.status == 201
    level6 = api.post("/org/nodes", {"parent_id": level5.json["id"], "kind": "counter", "name": "Counter 1"}, token=admin)
    assert level6.status == 422


def test_an_invited_staff_member_sets_a_password_from_the_email_and_holds_the_roles(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    email = unique_email("clerk")
    invited = api.post("/admin/users", {"email": email, "name": "Clerk Baru",
                                        "roles": [{"role": "verifier", "node_id": "kel-kukusan"}]}, token=admin)
    assert invited.status == 201, invited.text
    mail = api.wait_for_mail(email, "Undangan")
    assert "verifier — Kelurahan Kukusan" in mail["text"]
    code = mail["text"].split("kode undangan ini di halaman atur kata sandi:\n")[1].split()[0]
    assert "/set-password#" in mail["text"] and code in mail["text"]
    assert api.post("/auth/password/reset", {"email": email, "code": code, "new_password": "my own pass"}).status == 200
    token = api.login(email, "my own pass")
    assert api.get("/me", token=token).json["roles"] == [{"role": "verifier", "node_id": "kel-kukusan"}]
    assert api.get("/org/nodes/kel-kukusan", token=token).status == 200


def test_an_existing_account_gets_the_roles_and_a_note(api, seeded):
    admin = api.login("admin@demo.satupintu.id")
    email, token = api.register_verified()
    answer = api.post("/admin/users", {"email": email, "name": "Whoever",
                                       "roles": [{"role": "viewer", "node_id": "branch-depok"}]}, token=admin)
    assert answer.status == 201
    assert api.wait_for_mail(email, "Peran baru")
    assert api.get("/org/nodes/branch-depok", token=api.login(email, "correct horse 1")).status == 200


def test_admins_grant_only_within_their_reach_and_only_known_roles(api, seeded):
    branch_admin, password = make_user(api.deps, [("admin", "branch-depok")])
    token = api.login(branch_admin.email, password)
    outside = api.post("/admin/users", {"email": unique_email(), "name": "X",
                                        "roles": [{"role": "approver", "node_id": "kota-depok"}]}, token=token)
    assert outside.status == 404
    unknown = api.post("/admin/users", {"email": unique_email(), "name": "X",
                                        "roles": [{"role": "emperor", "node_id": "branch-depok"}]}, token=token)
    assert unknown.status == 422
    assert DEMO_PASSWORD  # demo accounts share one password; the branch admin here does not
