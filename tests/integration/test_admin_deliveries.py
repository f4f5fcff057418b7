"""issue 20: admin — a subscription's deliveries, listed for its admins newest first with what
the receiver answered (GET /subscriptions/{id}/deliveries)."""

from tests.integration.test_integrations import registries, standins  # noqa: F401 (fixtures)
from tests.integration.test_subscriptions import hooks, people, submit_simple, subscribe  # noqa: F401 (fixtures)
from tests.support import deliver_queue, make_people


def test_an_admin_reads_a_subscriptions_deliveries_with_the_receivers_answer(api, seeded, hooks, people):  # noqa: F811
    wanted = subscribe(api, people["admin"], hooks, "listed", people["office"])
    other = subscribe(api, people["admin"], hooks, "other", people["office"], events=("application.approved",))
    empty = api.get(f"/subscriptions/{wanted['id']}/deliveries", token=people["admin"])
    assert empty.status == 200, empty.text
    assert empty.json == {"items": [], "next_cursor": None}

    first, second = submit_simple(api, people), submit_simple(api, people)
    listed = api.get(f"/subscriptions/{wanted['id']}/deliveries?limit=1", token=people["admin"]).json
    assert [d["application_id"] for d in listed["items"]] == [second["id"]]  # newest first, written with the change
    assert listed["items"][0]["state"] == "pending" and listed["next_cursor"]
    rest = api.get(f"/subscriptions/{wanted['id']}/deliveries?limit=1&cursor={listed['next_cursor']}",
                   token=people["admin"]).json
    assert [d["application_id"] for d in rest["items"]] == [first["id"]]

    assert deliver_queue(api.deps, "notify") >= 1  # the fan-outs sent the changes' webhooks
    sent = api.get(f"/subscriptions/{wanted['id']}/deliveries", token=people["admin"]).json["items"]
    assert [(d["event"], d["state"], d["attempts"], d["last_http_status"]) for d in sent] == [
        ("application.submitted", "sent", 1, 204)] * 2  # the stand-in answers 204
    assert sent[0]["tracking_code"] == second["tracking_code"] and sent[0]["sent_at"].endswith("+07:00")
    assert api.get(f"/subscriptions/{other['id']}/deliveries", token=people["admin"]).json["items"] == []


def test_only_the_subscriptions_admins_read_its_deliveries(api, seeded, hooks, people):  # noqa: F811
    made = subscribe(api, people["admin"], hooks, "private", people["office"])
    outsiders = make_people(api, {"other_admin": [("admin", "kota-depok")]})
    for token in (outsiders["other_admin"], people["ops"], people["desk_verifier"]):
        answer = api.get(f"/subscriptions/{made['id']}/deliveries", token=token)
        assert answer.status == 404, answer.text
    assert api.get("/subscriptions/sub_nothing/deliveries", token=people["admin"]).status == 404
