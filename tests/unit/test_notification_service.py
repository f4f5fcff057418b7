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
