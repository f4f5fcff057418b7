"""The notification service on fakes: mail to one account's owner sent from a worker at once, or
queued for the usual retries when that fails."""

from chalicelib.domain.people import User
from tests.fakes import NOW, services


def owner(fakes) -> User:
    user = User(id="usr_owner", email="ani@example.id", name="Ani", language="en", status="active",
                password_hash=None, created_at=NOW)
    fakes.users.create(user, None)
    return user


def test_a_code_sent_at_once_reaches_the_mailbox_without_waiting_in_the_queue(fakes):
    user = owner(fakes)
    services.notifications(fakes).send_direct(user.id, "reset_code", {}, {"code": "123456"}, at_once=True)
    assert [(to, "123456" in text) for to, _subject, text in fakes.mailer.sent] == [(user.email, True)]
    assert fakes.jobs.jobs == []


def test_a_code_whose_sending_fails_at_once_is_queued_for_the_retries(fakes):
    user = owner(fakes)
    fakes.mailer.broken = True
    services.notifications(fakes).send_direct(user.id, "reset_code", {}, {"code": "123456"}, at_once=True)
    assert fakes.mailer.sent == []
    [job] = fakes.jobs.jobs
    assert (job["type"], job["kind"], job["secret"]) == ("deliver", "reset_code", {"code": "123456"})
    assert fakes.notifications.get(user.id, job["notification_id"], in_app=False).delivery_status == "retrying"


def test_without_at_once_the_mail_is_only_queued(fakes):
    user = owner(fakes)
    services.notifications(fakes).send_direct(user.id, "reset_code", {}, {"code": "123456"})
    assert fakes.mailer.sent == [] and [job["kind"] for job in fakes.jobs.jobs] == ["reset_code"]


def test_a_role_is_told_along_a_path_once_each_in_the_app_and_with_a_mail_queued(fakes):
    from chalicelib.domain.people import Grant

    def person(user_id, *grants):
        user = User(id=user_id, email=f"{user_id}@x.id", name=user_id, language="id", status="active",
                    password_hash=None, created_at=NOW)
        fakes.users.create(user, None, grants)

    person("usr_root_ops", Grant("ops", "root"))
    person("usr_unit_ops", Grant("ops", "unit"), Grant("ops", "root"))  # twice on the path: told once
    person("usr_other_ops", Grant("ops", "other"))
    person("usr_admin", Grant("admin", "unit"))
    service = services.notifications(fakes)
    params = {"target": "bios", "dataset": "d", "day": "2026-11-21", "key": "k", "code": "MSG40001", "reason": "r",
              "attempts": 1}
    assert service.tell_role_along("ops", ("root", "unit"), "registry_record_failed", params, "SEND#x#v1") == 2
    jobs = fakes.jobs.jobs
    assert sorted(job["user_id"] for job in jobs) == ["usr_root_ops", "usr_unit_ops"]
    for job in jobs:
        stored = fakes.notifications.get(job["user_id"], job["notification_id"])
        assert stored is not None and stored.in_app and stored.kind == "registry_record_failed"
    # Telling the same failure again writes no second notification.
    service.tell_role_along("ops", ("root", "unit"), "registry_record_failed", params, "SEND#x#v1")
    assert len({job["notification_id"] for job in fakes.jobs.jobs}) == 2


def test_a_months_satisfaction_is_read_from_its_counters():
    from chalicelib.domain.integrations import IKM_ELEMENTS
    from chalicelib.services.surveys import ikm_counter, satisfaction_from_counters

    counters = {"status:approved": 3, ikm_counter("permit", "responses"): 2,
                **{ikm_counter("permit", f"u_{e}"): 7 for e in IKM_ELEMENTS}}
    assert satisfaction_from_counters(counters) == {"permit": {"responses": 2, "index": 87.5, "grade": "B"}}
    assert satisfaction_from_counters({"status:approved": 3}) == {}


def a_change_with_two_notices(fakes):
    """A submission's two notices (the applicant's receipt, the step's deciders' task) in the
    outbox, as the change's transaction writes them; answers their keys."""
    from chalicelib.adapters.dynamodb.outbox import notice_payload
    from chalicelib.domain.notifications import Notice
    from chalicelib.domain.people import Grant

    applicant = owner(fakes)
    verifier = User(id="usr_verifier", email="budi@example.id", name="Budi", language="id", status="active",
                    password_hash=None, created_at=NOW)
    fakes.users.create(verifier, None, [Grant("verifier", "desk")])
    params = {"tracking_code": "ABCD-EFGH-JKMN", "service_name": "Izin", "step": 1, "step_label": "Cek", "steps_total": 3,
              "applicant_name": "Ani", "notes": ""}
    return applicant, verifier, fakes.outbox.put_entries("APP#app_1", "H#00000002", [
        ("notify", notice_payload(Notice("submitted", params, "app_1", to_user_id=applicant.id))),
        ("notify", notice_payload(Notice("assigned", params, "app_1", to_role="verifier", to_node_id="desk"))),
    ], NOW)


def test_a_changes_notices_are_written_and_mailed_at_once_with_no_job_each(fakes):
    applicant, verifier, keys = a_change_with_two_notices(fakes)
    assert services.notifications(fakes).fan_out(keys) == 2
    assert sorted(to for to, _subject, _text in fakes.mailer.sent) == sorted([applicant.email, verifier.email])
    assert fakes.jobs.jobs == []  # nothing queued per e-mail
    for user in (applicant, verifier):
        [stored] = [n for (uid, _sk), n in fakes.notifications.items.items() if uid == user.id]
        assert (stored.delivery_status, stored.attempts) == ("sent", 1)
        assert fakes.notifications.unread_count(user.id) == 1
    assert fakes.outbox.entries == {}


def test_a_redelivered_fan_out_mails_nothing_twice_and_hands_what_it_did_not_write_to_held_back_jobs(fakes):
    _applicant, _verifier, keys = a_change_with_two_notices(fakes)
    service = services.notifications(fakes)
    first = {key: fakes.outbox.entries[(key.pk, key.sk)] for key in keys}
    service.fan_out(keys)
    fakes.outbox.entries.update({(key.pk, key.sk): entry for key, entry in first.items()})  # as if not yet cleared
    fakes.mailer.sent.clear()
    assert service.fan_out(keys) == 2
    assert fakes.mailer.sent == []
    # Held back for as long as an earlier fan-out may still be sending; the job finds them sent.
    assert sorted(seconds for _job, seconds in fakes.jobs.delayed) == [30, 30]
    for job, _seconds in fakes.jobs.delayed:
        notification = fakes.notifications.get(job["user_id"], job["notification_id"])
        assert notification is not None and notification.delivery_status == "sent"


def test_a_mail_that_fails_at_once_is_queued_for_the_usual_retries(fakes):
    _applicant, _verifier, keys = a_change_with_two_notices(fakes)
    fakes.mailer.broken = True
    services.notifications(fakes).fan_out(keys)
    assert sorted(job["kind"] for job in fakes.jobs.jobs) == ["assigned", "submitted"]
    assert fakes.jobs.delayed == [] and fakes.outbox.entries == {}


def test_a_notice_to_many_mails_the_first_twenty_itself_and_queues_the_rest(fakes):
    from chalicelib.adapters.dynamodb.outbox import notice_payload
    from chalicelib.domain.notifications import Notice
    from chalicelib.domain.people import Grant

    for n in range(25):
        fakes.users.create(User(id=f"usr_v{n:02d}", email=f"v{n:02d}@example.id", name=f"V{n}", language="id",
                                status="active", password_hash=None, created_at=NOW), None, [Grant("verifier", "desk")])
    params = {"tracking_code": "ABCD-EFGH-JKMN", "service_name": "Izin", "step": 1, "step_label": "Cek", "steps_total": 3,
              "applicant_name": "Ani", "notes": ""}
    keys = fakes.outbox.put_entries("APP#app_2", "H#00000002", [
        ("notify", notice_payload(Notice("assigned", params, "app_2", to_role="verifier", to_node_id="desk")))], NOW)
    assert services.notifications(fakes).fan_out(keys) == 25
    assert len(fakes.mailer.sent) == 20
    assert len(fakes.jobs.jobs) == 5 and {job["type"] for job in fakes.jobs.jobs} == {"deliver"}


def test_a_changes_notices_are_handed_on_as_one_fan_out_job_carrying_them_with_its_webhooks(fakes, monkeypatch):
    import json

    from chalicelib.workers.notifications import Job

    applicant, _verifier, keys = a_change_with_two_notices(fakes)
    webhooks = [["application.submitted", "sub_1#evt_app_1_2"]]
    assert services.outbox(fakes).publish(keys, webhooks) is True
    [job] = fakes.jobs.jobs
    assert (job["type"], job["pk"], job["sks"], job["deliveries"]) == ("fanout", "APP#app_1", [key.sk for key in keys], webhooks)
    parsed = Job.validate_json(json.dumps(job))
    assert parsed.keys() == keys and [key.payload["kind"] for key in parsed.keys()] == ["submitted", "assigned"]
    assert parsed.deliveries == [("application.submitted", "sub_1#evt_app_1_2")]

    # The worker tells the recipients from what the job carries: the entries are not read back.
    def no_reading(_keys):
        raise AssertionError("the entries were read back")

    monkeypatch.setattr(fakes.outbox, "get_many", no_reading)
    assert services.notifications(fakes).fan_out(parsed.keys()) == 2
    assert applicant.email in [to for to, _subject, _text in fakes.mailer.sent] and fakes.outbox.entries == {}


def test_the_relays_fan_out_job_names_its_entries_and_the_worker_reads_them_back(fakes):
    from chalicelib.services.ports import OutboxKey
    from chalicelib.workers.notifications import Job

    _applicant, _verifier, keys = a_change_with_two_notices(fakes)
    named = [OutboxKey(key.pk, key.sk) for key in keys]  # as the relay finds them: keys only
    assert services.outbox(fakes).publish(named, [["application.submitted", "sub_1#e"]]) is True
    [job] = fakes.jobs.jobs
    assert "notices" not in job and Job.validate_python(job).keys() == keys
    assert services.notifications(fakes).fan_out(Job.validate_python(job).keys()) == 2
    # A job queued before this change (one entry, no `sks`) still reads.
    assert Job.validate_python({"type": "fanout", "pk": "APP#app_1", "sk": keys[0].sk}).keys() == [keys[0]]
    # No notices: the webhooks do not ride (the change queues its run job instead).
    assert services.outbox(fakes).publish([], [["application.submitted", "sub_1#e"]]) is False
