"""The finance registry's day totals worked out at the push (issue 21): every submission and final
decision writes a fact of its own instead of adding to one item per service and day; the nightly
push adds each day up and sends the same bodies as before (jml_permohonan, jml_selesai per
service and day, zeros where none), the same totals however often it runs, each change once."""

from datetime import timedelta

from chalicelib.domain import integrations as reg
from tests.integration.test_finance_datasets import decided, push, saved, unit  # noqa: F401 (fixtures)
from tests.integration.test_integrations import a_past_day, advance, quiet, registries, standins  # noqa: F401

SERVICE_A, SERVICE_B = "layanan-uji-a", "layanan-uji-b"


def changes(deps, day: str, service: str, counter: str, *events: str) -> None:
    """What submissions (`jml_permohonan`) or final decisions (`jml_selesai`) of `service` on
    `day` write, written directly: one fact per change (its application and version)."""
    from chalicelib.adapters.dynamodb.send_log import add_to_send_log
    from chalicelib.adapters.dynamodb.table import run_transaction

    now = deps.clock.now()
    records = [reg.IntegrationRecord(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, day, f"{day}#{service}",
                                     now + timedelta(days=1), fields={"tgl_transaksi": day, "kd_layanan": service},
                                     adds={counter: 1}, node_path=("org-demo",), event=event)
               for event in events]
    deps._models  # noqa: B018 (bind the models)
    run_transaction(lambda tx: add_to_send_log(tx, records, now))


def figures(standins, day: str, service: str) -> tuple[int, int, int] | None:  # noqa: F811
    """(jml_permohonan, jml_selesai, posts) the stand-in saved for the service's day."""
    row, posts = saved(standins, reg.SERVICE_STATISTICS, day, service)
    return (int(row["jml_permohonan"]), int(row["jml_selesai"]), posts) if row else None


def send_all(api) -> None:
    for _ in range(10):
        if not api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60).keys:
            return


def test_a_mix_of_submissions_and_decisions_across_services_and_days_adds_up_at_the_push(quiet, api, seeded):  # noqa: F811
    first = a_past_day()
    second = (reg.parse_day(first) + timedelta(days=1)).isoformat()
    changes(api.deps, first, SERVICE_A, "jml_permohonan", "app_a1#v2", "app_a2#v2", "app_a3#v2")
    changes(api.deps, first, SERVICE_A, "jml_selesai", "app_a1#v5")
    changes(api.deps, first, SERVICE_B, "jml_permohonan", "app_b1#v2")
    changes(api.deps, second, SERVICE_A, "jml_selesai", "app_a2#v4", "app_a3#v6")
    # Nothing is in the send log until the push works the day out.
    assert api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, f"{first}#{SERVICE_A}") is None

    assert api.deps.integrations.total_day(first) == 2
    assert api.deps.integrations.total_day(second) == 1
    send_all(api)
    assert figures(quiet, first, SERVICE_A) == (3, 1, 1)
    assert figures(quiet, first, SERVICE_B) == (1, 0, 1)  # zero where none
    assert figures(quiet, second, SERVICE_A) == (0, 2, 1)
    assert figures(quiet, second, SERVICE_B) is None  # a service without changes that day owes nothing
    record = api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, f"{first}#{SERVICE_A}")
    assert record.body == {"tgl_transaksi": first, "kd_layanan": SERVICE_A, "jml_permohonan": 3, "jml_selesai": 1}
    assert (record.state, record.node_path) == (reg.SENT, ("org-demo",))


def test_a_push_run_again_sends_the_same_totals_and_a_late_change_only_its_own(quiet, api, seeded):  # noqa: F811
    people_ops = _ops(api)
    day = a_past_day()
    changes(api.deps, day, SERVICE_A, "jml_permohonan", "app_r1#v2", "app_r2#v2")
    api.deps.integrations.total_day(day)
    send_all(api)
    assert figures(quiet, day, SERVICE_A) == (2, 0, 1)

    # Worked out again: the same totals, nothing changed, nothing to send.
    assert api.deps.integrations.total_day(day) == 0
    assert api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, f"{day}#{SERVICE_A}").state == reg.SENT
    # Ops' re-run of the day works it out again: the totals saved stand, nothing is sent twice.
    answer = api.post("/integrations/bios/run", {"date": day}, token=people_ops)
    assert answer.status == 202 and answer.json["records_due"] == 0, answer.text
    from tests.support import deliver_queue

    assert deliver_queue(api.deps, "run_integration") >= 1
    assert figures(quiet, day, SERVICE_A) == (2, 0, 1)
    # A change that arrives after the day was worked out is added by the next working-out.
    changes(api.deps, day, SERVICE_A, "jml_selesai", "app_r1#v5")
    assert api.deps.integrations.total_day(day) == 1
    send_all(api)
    assert figures(quiet, day, SERVICE_A) == (2, 1, 2)


def test_a_change_written_twice_is_counted_once(quiet, api, seeded):  # noqa: F811
    day = a_past_day()
    changes(api.deps, day, SERVICE_B, "jml_permohonan", "app_t1#v2")
    changes(api.deps, day, SERVICE_B, "jml_permohonan", "app_t1#v2", "app_t2#v2")  # a retry, and another
    assert len(api.deps.day_fact_store.facts(day)) == 2
    api.deps.integrations.total_day(day)
    send_all(api)
    assert figures(quiet, day, SERVICE_B) == (2, 0, 1)


def test_the_nightly_push_works_out_each_finished_day_once_and_not_today(quiet, api, seeded):  # noqa: F811
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    yesterday, before = (today - timedelta(days=1)).isoformat(), (today - timedelta(days=2)).isoformat()
    changes(api.deps, before, SERVICE_A, "jml_permohonan", "app_n1#v2")
    changes(api.deps, yesterday, SERVICE_A, "jml_permohonan", "app_n2#v2", "app_n3#v2")
    changes(api.deps, today.isoformat(), SERVICE_A, "jml_permohonan", "app_n4#v2")
    facts = api.deps.day_fact_store
    assert yesterday not in facts.totalled([yesterday])

    # As the schedule runs it (the function's own permissions are checked: tests/aws_calls.py).
    assert api.post("/_local/schedules/push_finance_registry").status == 200
    send_all(api)
    assert figures(quiet, before, SERVICE_A)[:2] == (1, 0)
    assert figures(quiet, yesterday, SERVICE_A)[:2] == (2, 0)
    assert figures(quiet, today.isoformat(), SERVICE_A) is None  # today is not over
    assert {before, yesterday} <= facts.totalled([before, yesterday, today.isoformat()])
    assert today.isoformat() not in facts.totalled([today.isoformat()])
    # Run again the same night: the days are done; nothing is worked out or sent again.
    changes(api.deps, yesterday, SERVICE_A, "jml_permohonan", "app_n2#v2")  # a retry of a change
    summary = api.deps.integrations.push_finance_registry(60)
    assert f"{yesterday}#{SERVICE_A}" not in summary.keys
    assert figures(quiet, yesterday, SERVICE_A) == (2, 0, 1)


def test_a_submission_and_a_final_decision_write_facts_not_the_days_record(registries, api, unit):  # noqa: F811
    day = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date().isoformat()
    service = "test-simple-permit"

    def counted() -> dict[str, int]:
        mine = [f for f in api.deps.day_fact_store.facts(day)
                if f.dataset == reg.SERVICE_STATISTICS and f.key == f"{day}#{service}"]
        return {name: sum(f.adds.get(name, 0) for f in mine) for name in ("jml_permohonan", "jml_selesai")}

    before = counted()
    record_before = api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, f"{day}#{service}")
    decided(api, unit), decided(api, unit, "reject")
    after = counted()
    assert (after["jml_permohonan"] - before["jml_permohonan"], after["jml_selesai"] - before["jml_selesai"]) == (2, 2)
    assert api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS,
                                       f"{day}#{service}") == record_before  # no per-change write to it
    push(api, day)
    row, _posts = saved(registries, reg.SERVICE_STATISTICS, day, service)
    assert (int(row["jml_permohonan"]), int(row["jml_selesai"])) == (after["jml_permohonan"], after["jml_selesai"])


def _ops(api) -> str:
    from tests.support import make_people

    return make_people(api, {"ops": [("ops", "org-demo")]})["ops"]


def test_asking_for_a_run_makes_the_same_aws_calls_whatever_the_number_of_records(quiet, api, seeded):  # noqa: F811
    """Issue 21: the route counts and queues; the run makes each record due."""
    from tests import aws_calls
    from tests.integration.test_integrations import owe_expenditures
    from tests.support import deliver_queue

    ops = _ops(api)
    api.post("/integrations/bios/run", {"date": a_past_day()}, token=ops)  # the queue's URL is looked up once

    def asked(day: str, due: int) -> list[str]:
        with aws_calls.capture() as calls:
            answer = api.post("/integrations/bios/run", {"date": day}, token=ops)
        assert answer.status == 202 and answer.json["records_due"] == due, answer.text
        return sorted(call.operation for call in calls if call.function == "api_handler")

    few = owe_expenditures(api.deps, {"525111": 1_000})
    many = owe_expenditures(api.deps, {f"5252{n:02d}": 1_000 * n for n in range(20)})
    calls = asked(few[0].day, 1)
    assert {"dynamodb:Query", "sqs:SendMessage"} <= set(calls) and "dynamodb:UpdateItem" not in calls
    assert asked(many[0].day, 20) == calls
    assert deliver_queue(api.deps, "run_integration") >= 1
    assert {api.deps.send_log_store.get(r.target, r.dataset, r.key).state for r in few + many} == {reg.SENT}
