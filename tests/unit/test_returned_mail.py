"""Reading SES's bounce and complaint events (configuration-set event publishing), raw or in
SNS's envelope."""

import json

from chalicelib.domain.notifications import BOUNCED, COMPLAINED, returned_mail

TAGS = {"notification": ["ntf_1"], "user": ["usr_1"], "kind": ["approved"]}


def test_a_permanent_bounce_stops_mail_and_names_the_servers_reason():
    returned = returned_mail({"eventType": "Bounce", "mail": {"tags": TAGS}, "bounce": {
        "bounceType": "Permanent", "bounceSubType": "NoEmail",
        "bouncedRecipients": [{"diagnosticCode": "smtp; 550 no such user"}]}})
    assert (returned.notification_id, returned.user_id, returned.kind) == ("ntf_1", "usr_1", "approved")
    assert (returned.status, returned.stops_mail) == (BOUNCED, True)
    assert returned.detail == "bounced (Permanent/NoEmail): smtp; 550 no such user"


def test_a_passing_bounce_does_not_stop_mail_and_a_complaint_does():
    transient = returned_mail({"eventType": "Bounce", "mail": {"tags": TAGS}, "bounce": {"bounceType": "Transient"}})
    assert (transient.status, transient.stops_mail) == (BOUNCED, False)
    complaint = returned_mail({"eventType": "Complaint", "mail": {"tags": TAGS}, "complaint": {}})
    assert (complaint.status, complaint.stops_mail) == (COMPLAINED, True)


def test_the_event_is_read_inside_snss_envelope_too():
    inner = {"eventType": "Complaint", "mail": {"tags": TAGS}, "complaint": {"complaintFeedbackType": "abuse"}}
    returned = returned_mail({"Type": "Notification", "Message": json.dumps(inner)})
    assert returned.detail == "marked as spam (feedback: abuse)"


def test_other_events_and_mail_without_our_tags_are_not_returns():
    assert returned_mail({"eventType": "Delivery", "mail": {"tags": TAGS}}) is None
    assert returned_mail({"eventType": "Bounce", "mail": {"tags": {"user": ["usr_1"]}}}) is None
    assert returned_mail({"eventType": "Bounce", "mail": {"tags": {**TAGS, "kind": [5]}}}) is None
    assert returned_mail({"Type": "Notification", "Message": "not json"}) is None
