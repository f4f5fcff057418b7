"""The dam register over `make run`, with the demo's dams and people: the public reads a dam's
public face and staff all of it; the demo operator's CSV with a bad row is refused whole, naming
the row, and the fixed one imports; a level past siaga mails the dam's staff and their managers
once, through the stack's own outbox, queue and worker.

The stack is shared with every e2e module: each test writes days no other test and no demo
reading uses (years before the seed's weeks), on a dam of its own."""

from datetime import date, timedelta

import pytest

from tests.e2e.test_budgets_over_the_stack import login
from tests.support import eventually

pytestmark = pytest.mark.e2e

HEADER = "date,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls\n"


def demo_dam(http, name):
    (dam,) = http.get(f"/assets?q={name}").json["items"]  # once: the demo was seeded once
    return dam


def days_held(http, token, dam_id, first, last):
    answer = http.get(f"/assets/{dam_id}/readings?from={first}&to={last}", token=token)
    assert answer.status == 200, answer.text
    return [(d["date"], d["level_m"]) for d in answer.json["items"]]


def import_csv(http, dam_id, text, token):
    return http.post(f"/assets/{dam_id}/readings/import", raw=text.encode(), token=token,
                     headers={"Content-Type": "text/csv"})


def test_the_public_sees_a_dams_public_face_and_staff_all_of_it(http):
    public = demo_dam(http, "saguling")
    assert public["access"] == "public" and public["name"] == "Bendungan Saguling"
    assert public["location"]["district_code"] == "32.17.16" and public["type"] == "rockfill"
    assert public["status"] == "operating" and "hydropower" in public["purposes"]
    hidden = ("register_code", "node_id", "height_m", "crest_length_m", "reservoir_volume_m3", "thresholds",
              "hazard_class", "version")
    assert all(public[name] is None for name in hidden), public
    assert http.get(f"/assets/{public['id']}").json == public

    operator = login(http, "operator.bendungan")
    staff = http.get(f"/assets/{public['id']}", token=operator).json
    assert staff["access"] == "staff" and staff["register_code"] == "BDG-32.17-001"
    assert (staff["height_m"], staff["crest_length_m"], staff["year_completed"]) == (97.5, 301, 1986)
    assert staff["thresholds"]["level_m"]["siaga"] == 647.0
    # Outside the dam's reach a token changes nothing; the readings are staff-only.
    assert http.get(f"/assets/{public['id']}", token=login(http, "camat.beji")).json == public
    assert http.get(f"/assets/{public['id']}/readings?from=2026-01-01&to=2026-01-31").status == 401
    # The demo's weeks of readings are there for staff, oldest first.
    today = date.fromisoformat(http.get("/_local/clock").json["now"][:10])
    recent = days_held(http, operator, public["id"], today - timedelta(days=40), today)
    assert len(recent) >= 20 and [d for d, _ in recent] == sorted(d for d, _ in recent)


def test_a_csv_with_a_bad_row_imports_nothing_then_the_fixed_one_imports_every_day(http):
    operator = login(http, "operator.bendungan")
    cirata = demo_dam(http, "cirata")
    days = [f"1995-03-{n:02d}" for n in range(1, 8)]
    rows = [f"{day},{215 + n / 10:.1f},60.5,70.2,{n},4.3" for n, day in enumerate(days)]
    bad = rows[:3] + [f"{days[3]},2l5.3,60.5,70.2,3,4.3"] + rows[4:]  # an 'l' typed for a '1'
    refused = import_csv(http, cirata["id"], HEADER + "\n".join(bad) + "\n", operator)
    assert refused.status == 422 and refused.content_type == "application/problem+json", refused.text
    assert [e["field"] for e in refused.json["errors"]] == ["row 5.level_m"]  # the header is row 1
    assert days_held(http, operator, cirata["id"], "1995-03-01", "1995-03-31") == []  # not one day of it

    imported = import_csv(http, cirata["id"], HEADER + "\n".join(rows) + "\n", operator)
    assert imported.status == 200, imported.text
    assert imported.json == {"imported": 7, "first": days[0], "last": days[-1], "alert": None}
    held = days_held(http, operator, cirata["id"], "1995-03-01", "1995-03-31")
    assert held == [(day, round(215 + n / 10, 1)) for n, day in enumerate(days)]


def alert_mails(http, who, dam_name, days):
    """The alert e-mails to `who` about the dam for these days (each subject names its day)."""
    return [m for m in http.mail(f"{who}@demo.satupintu.id")
            if dam_name in m["subject"] and any(day in m["subject"] for day in days)]


def test_a_level_past_siaga_mails_the_dams_staff_and_managers_once(http):
    operator = login(http, "operator.bendungan")
    saguling = demo_dam(http, "saguling")
    name, days = saguling["name"], ["1996-05-01", "1996-05-02", "1996-05-03", "1996-05-04"]
    told = ("operator.bendungan", "registrasi.bendungan", "inspektur.bendungan",  # the dam's staff
            "direktur.bendungan", "admin")  # their managers: the agency's head, the org's viewer
    for day, level in zip(days[:3], (642.0, 647.3, 647.6)):  # normal, siaga, still siaga
        answer = http.put(f"/assets/{saguling['id']}/readings/{day}", {"level_m": level}, token=operator)
        assert answer.status == 200, answer.text

    for who in told:
        mails = eventually(lambda who=who: alert_mails(http, who, name, days), timeout=60, what=f"{who}'s alert")
        assert "SIAGA" in mails[0]["subject"] and "647.3" in mails[0]["text"] and days[1] in mails[0]["text"]
    # The same day sent again within its band, and a day that stays there, are no new alarm;
    # the next band is (its mail arriving after theirs would have: the queue is the same).
    assert http.put(f"/assets/{saguling['id']}/readings/{days[1]}", {"level_m": 647.4}, token=operator).status == 200
    assert http.put(f"/assets/{saguling['id']}/readings/{days[3]}", {"level_m": 649.2}, token=operator).status == 200
    for who in told:
        eventually(lambda who=who: any("AWAS" in m["subject"] for m in alert_mails(http, who, name, days)),
                   timeout=60, what=f"{who}'s AWAS alert")
        subjects = sorted(m["subject"].split()[0] for m in alert_mails(http, who, name, days))
        assert subjects == ["AWAS", "SIAGA"], (who, subjects)
    # A verifier of the same division is not the dam's staff: told nothing.
    assert alert_mails(http, "teknis.bendungan", name, days) == []
