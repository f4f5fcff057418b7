"""Mail that comes back after SES accepted it: SES publishes the bounce or complaint to the
mail-events topic (here the test publishes what SES would), the queue hands it to
record_mail_events, and the notification says so; an address that bounced for good gets no
more mail but the codes its owner asks for."""

import json

from tests.support import deliver_queue, make_user


def ses_event(event_type: str, notification, **details) -> str:
    """An SES event as configuration-set event publishing sends it (docs: "Contents of event data")."""
    tags = {"notification": [notification.id], "user": [notification.user_id], "kind": [notification.kind],
            "ses:configuration-set": ["satupintu"]}
    event = {"eventType": event_type, "mail": {"messageId": "0100-abc", "tags": tags}}
    event.update(details)
    return json.dumps(event)


def notify(api, user, kind="roles_granted"):
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.notifications import Notification
    from chalicelib.services.notifications import delivery_job

    notification = Notification(id=new_id("ntf"), user_id=user.id, kind=kind,
                                params={"roles": "verifier — Kelurahan Uji", "link": "/"}, created_at=api.deps.clock.now())
    api.deps.notification_store.add(notification)
    api.deps.notification_jobs.send(delivery_job(notification, {}))
    api.deliver_mail()
    return notification


def delivery(api, token, notification_id):
    items = api.get("/notifications", token=token).json["items"]
    return next(n["delivery"] for n in items if n["id"] == notification_id)


def publish(api, body: str) -> None:
    from chalicelib.adapters import aws

    sns = aws.client(api.deps.settings, "sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":satupintu-mail-events"))
    sns.publish(TopicArn=topic, Message=body)
    assert deliver_queue(api.deps, "record_mail_events") == 1


def test_a_permanent_bounce_marks_the_notification_and_stops_all_but_asked_for_mail(api):
    user, password = make_user(api.deps)
    token = api.login(user.email, password)
    first = notify(api, user)
    assert delivery(api, token, first.id)["status"] == "sent"
    mails = len(api.mail(user.email))

    publish(api, ses_event("Bounce", first, bounce={
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": user.email, "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]}))
    bounced = delivery(api, token, first.id)
    assert bounced["status"] == "bounced" and "550 5.1.1" in bounced["last_error"]

    second = notify(api, user)
    stopped = delivery(api, token, second.id)
    assert stopped["status"] == "failed" and "stopped (bounced)" in stopped["last_error"]
    assert len(api.mail(user.email)) == mails  # nothing more was sent to it
    assert api.post("/auth/password/forgot", {"email": user.email}).status == 202
    api.wait_for_mail(user.email, "atur ulang")  # but the code its owner asked for went
    assert len(api.mail(user.email)) == mails + 1


def test_a_complaint_stops_mail_and_a_passing_bounce_only_marks_its_notification(api):
    user, password = make_user(api.deps)
    token = api.login(user.email, password)
    first = notify(api, user)
    publish(api, ses_event("Bounce", first, bounce={"bounceType": "Transient", "bounceSubType": "MailboxFull",
                                                    "bouncedRecipients": [{"emailAddress": user.email}]}))
    assert delivery(api, token, first.id)["status"] == "bounced"
    second = notify(api, user)
    assert delivery(api, token, second.id)["status"] == "sent"  # a full mailbox stops nothing
    publish(api, ses_event("Complaint", second, complaint={"complaintFeedbackType": "abuse"}))
    assert delivery(api, token, second.id)["status"] == "complained"
    assert delivery(api, token, notify(api, user).id)["status"] == "failed"


def test_events_that_are_not_ours_or_not_returns_change_nothing(api):
    user, password = make_user(api.deps)
    token = api.login(user.email, password)
    first = notify(api, user)
    publish(api, json.dumps({"eventType": "Delivery", "mail": {"tags": {}}}))
    publish(api, "not json at all")
    publish(api, json.dumps({"eventType": "Bounce", "mail": {"tags": {"notification": ["ntf_nobody"],
                                                                          "user": [user.id], "kind": ["roles_granted"]}},
                             "bounce": {"bounceType": "Permanent"}}))
    assert delivery(api, token, first.id)["status"] == "sent"
    assert delivery(api, token, notify(api, user).id)["status"] == "sent"
