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
