"""Notifications: from a change's outbox to each recipient's in-app list and mailbox.

1. A change writes its notices to the outbox in its own transaction; the API then hands them
   to the notification queue as one fan-out job (services/outbox.py, which also relays
   entries whose hand-on was lost).
2. Fan-out (the queue function) resolves who is told — one user, or everyone holding the role
   at the node, delegates included — writes one notification each (listed, counted unread,
   delivery "queued"), all in one transaction, sends their e-mails itself and records them sent
   as it clears the outbox entries. Ids are derived from the entry and the recipient, so a
   repeated fan-out writes nothing twice (and leaves the mails to delivery jobs).
3. Delivery (the same queue function), for a mail the fan-out could not send: renders the
   e-mail in the recipient's language, sends it and records the outcome. A failure is recorded
   ("retrying", then "failed" on the last receive before the dead-letter queue) and retried with
   backoff by the worker.

Codes and invitations skip the outbox (`send_direct`): the request that makes them fails if
the job cannot be queued, so nothing accepted is lost, and their secrets live only in the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain import notifications as rules
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.notifications import FAILED, RETRYING, SENT, Notice, Notification
from chalicelib.domain.people import OPS_ROLES, Principal, require_any
from chalicelib.services.ports import Clock, JobQueue, Mailer, Metrics, NotificationStore, OutboxStore, UserStore
from chalicelib.templates import LANGUAGES, render_mail

logger = logging.getLogger(__name__)

# The notification function's timeout (.chalice/config.json): the longest an earlier fan-out of
# the same change can still be sending the e-mails of the notifications it wrote.
EARLIER_FAN_OUT_SECONDS = 30
# E-mails one fan-out sends itself (each 100-200 ms): well inside that timeout; a notice to more
# people (everyone holding a role at a large office) has the rest sent by delivery jobs.
MAILS_AT_ONCE = 20

class DeliveryFailed(Exception):
    """This attempt did not send; try again after `retry_after_seconds`."""

    def __init__(self, reason: str, retry_after_seconds: int, final: bool) -> None:
        super().__init__(reason)
        self.retry_after_seconds = retry_after_seconds
        self.final = final


@dataclass(frozen=True)
class DeliveryJob:
    """What the delivery step needs: the notification, and secrets that are never stored."""

    notification: Notification
    secret: dict[str, Any]


@dataclass(frozen=True)
class RenderedNotification:
    notification: Notification
    title: str
    summary: str
    link: str | None


class NotificationService:
    def __init__(self, *, notifications: NotificationStore, outbox: OutboxStore, users: UserStore, jobs: JobQueue,
                 mailer: Mailer, clock: Clock, web_base_url: str,
                 org_name: str, max_receives: int, retry_base_seconds: int, metrics: Metrics) -> None:
        self.metrics = metrics
        self.notifications = notifications
        self.outbox = outbox
        self.users = users
        self.jobs = jobs
        self.mailer = mailer
        self.clock = clock
        self.web_base_url = web_base_url.rstrip("/")
        self.org_name = org_name
        self.max_receives = max_receives
        self.retry_base_seconds = retry_base_seconds

    # ---- producing -------------------------------------------------------------------------

    def send_direct(self, user_id: str, kind: str, params: dict[str, Any], secret: dict[str, Any] | None = None,
                    at_once: bool = False) -> None:
        """A notification for one user that no outbox carries (codes, invitations): queued now,
        or the caller's request fails. `at_once` (a worker already off the request's path)
        sends it here, and queues it for the usual retries only if that fails: a code should
        not wait behind the queue twice."""
        notification = Notification(id=new_id("ntf"), user_id=user_id, kind=kind, params=params,
                                    created_at=self.clock.now())
        if at_once:
            try:
                self.deliver(DeliveryJob(notification, secret or {}), receive_count=1)
                return
            except DeliveryFailed:
                pass  # recorded as retrying; the queued job tries again
        self.jobs.send(delivery_job(notification, secret or {}))

    def tell_role_along(self, role: str, node_path: tuple[str, ...] | list[str], kind: str, params: dict[str, Any],
                        source: str, at: datetime | None = None) -> int:
        """Everyone holding `role` at a node of `node_path` (at or above its last office; their
        delegates too), told at once: the in-app item written here and the e-mail queued. The
        ids come from `source`, `at` (when it happened) and the recipient, so telling the same
        thing again writes nothing twice. Answers how many were told."""
        at = at or self.clock.now()
        recipients = dict.fromkeys(user_id for node_id in node_path
                                   for user_id, lent in self.users.holders(role, node_id)
                                   if lent is None or lent.active_at(at))
        jobs = []
        for user_id in recipients:
            notification = Notification(id=rules.notification_id(at, source, user_id), user_id=user_id, kind=kind,
                                        params=params, created_at=at)
            self.notifications.add(notification)
            jobs.append(delivery_job(notification, {}))
        if jobs:
            self.jobs.send_many(jobs)
        else:
            logger.error("nobody to tell", extra={"kind": kind, "role": role, "node_path": list(node_path)})
        return len(jobs)

    # ---- fan-out ------------------------------------------------------------------------------

    def fan_out(self, keys: list[Any]) -> int:
        """The notices of one change (its outbox entries) → one notification per recipient,
        written together, and each one's e-mail sent here and recorded together: a change's
        notices cost a few calls, not a queued job and its round of reads per e-mail. Answers
        how many notifications were made (0 for entries already handed on).

        Only the fan-out that wrote a notification sends its e-mail here. One that finds it
        written (a redelivered fan-out, or one racing it) queues a delivery job instead, held
        back for as long as the first can still be sending, and the job's idempotency does the
        rest; a mail that fails here, or past the first MAILS_AT_ONCE, is queued for a job.

        Entries whose keys carry what they say (the change's own hand-on) are not read back; a
        repeated job of those finds its notifications written, as above."""
        if keys and all(key.carries for key in keys):
            entries = {key: (rules.notice_from_payload(key.payload), key.at) for key in keys}
        else:
            entries = self.outbox.get_many(list(keys))
        if not entries:
            return 0
        made = [notification for key, (notice, at) in entries.items() for notification in self._notifications_of(key, notice, at)]
        written = self.notifications.add_many(made)
        new_ids = {n.id for n in written}
        sent, failed = self._mail_now(written[:MAILS_AT_ONCE])
        failed += written[MAILS_AT_ONCE:]
        if failed:
            self.jobs.send_many([delivery_job(n, {}) for n in failed])
        for earlier in (n for n in made if n.id not in new_ids):
            self.jobs.send_later(delivery_job(earlier, {}), EARLIER_FAN_OUT_SECONDS, {})
        # Cleared last, with the record of what was sent: a fan-out stopped before here is
        # delivered again and finds its notifications written (the held-back jobs above).
        self.notifications.record_sent(sent, self.clock.now(), list(entries))
        logger.info("notice fanned out", extra={"kinds": sorted({n.kind for n, _ in entries.values()}),
                                               "recipients": len(made), "mailed": len(sent)})
        return len(made)

    def _notifications_of(self, key: Any, notice: Notice, at: datetime) -> list[Notification]:
        return [Notification(id=rules.notification_id(at, f"{key.pk}|{key.sk}", user_id), user_id=user_id,
                             kind=notice.kind, params=notice.params, created_at=at, application_id=notice.application_id)
                for user_id in self.recipients(notice, at)]

    def _mail_now(self, notifications: list[Notification]) -> tuple[list[tuple[Notification, str]], list[Notification]]:
        """Send each one's e-mail (its recipients' profiles read together): (the sent, with
        their message ids; those to try again from the queue)."""
        users = self.users.get_many(sorted({n.user_id for n in notifications})) if notifications else {}
        sent, failed = [], []
        for notification in notifications:
            user = users.get(notification.user_id)
            if user is None:
                failed.append(notification)  # the delivery job records why it cannot be sent
                continue
            if self._mail_stopped(notification, user, 1):
                continue
            try:
                sent.append((notification, self._send(notification, user, {})))
            except Exception as error:
                logger.warning("notification not sent at once; queued", extra={
                    "notification_id": notification.id, "kind": notification.kind, "reason": describe(error)})
                failed.append(notification)
                continue
            logger.info("notification sent", extra={"notification_id": notification.id, "kind": notification.kind})
        return sent, failed

    def recipients(self, notice: Notice, at: datetime) -> list[str]:
        """One user; or every holder of the role at the node, and whoever it is lent to at
        the time — never the person the notice excludes (the applicant, of their own case)."""
        if notice.to_user_id:
            candidates: Any = [[notice.to_user_id]]
        elif notice.to_role and notice.to_node_id:
            # The role's holders; where none is left, those of the first fallback role held there.
            candidates = ([user_id for user_id, lent in self.users.holders(role, notice.to_node_id)
                           if lent is None or lent.active_at(at)]
                          for role in (notice.to_role, *notice.fallback_roles))
        elif notice.to_roles and notice.to_node_path:
            candidates = [[user_id for role in notice.to_roles for node_id in notice.to_node_path
                           for user_id, lent in self.users.holders(role, node_id) if lent is None or lent.active_at(at)]]
        else:
            candidates = []
        for found in candidates:
            found = [user_id for user_id in dict.fromkeys(found) if user_id != notice.except_user_id]
            if found:
                return found
        return []

    # ---- delivery -----------------------------------------------------------------------------

    def deliver(self, job: DeliveryJob, receive_count: int, describe_error=str) -> str:
        """Send one notification's e-mail and record how it went. Answers "sent" or
        "already sent"; raises DeliveryFailed for the worker to retry later."""
        notification = job.notification
        stored = self.notifications.get(notification.user_id, notification.id, notification.in_app)
        if stored is None:
            self.notifications.add(notification)  # a direct one: no fan-out wrote it first
        elif stored.delivery_status == SENT:
            return "already sent"
        now = self.clock.now()
        user = self.users.get(notification.user_id)
        if user is not None and self._mail_stopped(notification, user, receive_count):
            return "not sent"
        try:
            if user is None:
                raise LookupError("the recipient's account no longer exists")
            message_id = self._send(notification, user, job.secret)
        except Exception as error:
            final = receive_count >= self.max_receives
            reason = describe_error(error)
            self.notifications.record_delivery(notification, FAILED if final else RETRYING, receive_count, now, reason)
            logger.warning("notification not sent", extra={"notification_id": notification.id, "kind": notification.kind,
                                                            "attempt": receive_count, "final": final, "reason": reason})
            if final:
                self.metrics.count("NotificationsFailed", kind=notification.kind)
            raise DeliveryFailed(reason, rules.retry_delay_seconds(receive_count, self.retry_base_seconds), final) from error
        self.notifications.record_delivery(notification, SENT, receive_count, now, message_id=message_id)
        logger.info("notification sent", extra={"notification_id": notification.id, "kind": notification.kind})
        return "sent"

    def _mail_stopped(self, notification: Notification, user: Any, attempt: int) -> bool:
        """Sending on to an address that bounced or complained hurts every other recipient's
        mail (SES pauses senders with high rates): such a notification stays in the app only."""
        if not user.mail_stopped or notification.kind in rules.ASKED_FOR_KINDS:
            return False
        self.notifications.record_delivery(notification, FAILED, attempt, self.clock.now(),
                                           f"not sent: mail to this address was stopped ({user.mail_stopped})")
        return True

    def _send(self, notification: Notification, user: Any, secret: dict[str, Any]) -> str:
        subject, _summary, text = self.render(notification, user.language, user.name, secret)
        return self.mailer.send(user.email, subject, text, tags={
            "notification": notification.id, "user": user.id, "kind": notification.kind})

    def record_returned_mail(self, returned: rules.ReturnedMail) -> str:
        """A mail SES had accepted came back: its notification says so, and an address that
        bounced for good or whose owner marked it as spam gets no more mail but what its owner
        asks for (codes). Answers what was done."""
        now = self.clock.now()
        key = Notification(id=returned.notification_id, user_id=returned.user_id, kind=returned.kind, params={},
                           created_at=now)
        if not self.notifications.record_returned(key, returned.status, returned.detail, now):
            return "no such notification"
        logger.warning("mail returned", extra={"notification_id": returned.notification_id, "status": returned.status,
                                               "stops_mail": returned.stops_mail})
        if returned.stops_mail:
            for _ in range(3):
                user = self.users.get(returned.user_id)
                if user is None or user.mail_stopped:
                    break
                if self.users.save(replace(user, mail_stopped=returned.status, version=user.version + 1), user.version):
                    break
        return returned.status

    def render(self, notification: Notification, language: str, name: str,
               secret: dict[str, Any] | None = None, strict: bool = True) -> tuple[str, str, str]:
        """(subject, in-app summary, e-mail text) in the recipient's language."""
        if language not in LANGUAGES:
            language = "id"
        params = {"org_name": self.org_name, "name": name, "link": self.link(notification) or self.web_base_url + "/"}
        params.update(localized(notification.params, language))
        params.update(secret or {})
        return render_mail(notification.kind, language, params, strict)

    def link(self, notification: Notification) -> str | None:
        if notification.application_id:
            return f"{self.web_base_url}/applications/{notification.application_id}"
        return notification.params.get("link")

    # ---- the recipient's list -----------------------------------------------------------------

    def page(self, caller: Principal, unread_only: bool, cursor: str | None,
             limit: int) -> tuple[list[RenderedNotification], int, str | None]:
        items, next_cursor = self.notifications.page(caller.user_id, cursor, limit, unread_only)
        rendered = []
        for item in items:
            title, summary, _text = self.render(item, caller.language, caller.name, strict=False)
            rendered.append(RenderedNotification(item, title, summary, self.link(item)))
        return rendered, self.notifications.unread_count(caller.user_id), next_cursor

    def mark_read(self, caller: Principal, notification_id: str) -> None:
        if self.notifications.get(caller.user_id, notification_id) is None:
            raise NotFound("no such notification")
        self.notifications.mark_read(caller.user_id, notification_id, self.clock.now())

    def failed(self, caller: Principal, limit: int) -> list[Notification]:
        require_any(caller, OPS_ROLES)
        return self.notifications.failed(limit)


def describe(error: BaseException) -> str:
    """What went wrong, short, without the message's content: the AWS error code when there is one."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        details = response["Error"]
        return f"{details.get('Code', type(error).__name__)}: {details.get('Message', '')}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def delivery_job(notification: Notification, secret: dict[str, Any]) -> dict[str, Any]:
    n = notification
    return {
        "type": "deliver", "notification_id": n.id, "user_id": n.user_id, "kind": n.kind, "params": n.params,
        "application_id": n.application_id, "created_at": n.created_at.isoformat(), "secret": secret,
    }


def localized(params: dict[str, Any], language: str) -> dict[str, Any]:
    """Parameters in the reader's language: for English, `x_en` stands in for `x`."""
    values = {key: "" if value is None else value for key, value in params.items()}
    if language == "en":
        for key, value in list(values.items()):
            if key.endswith("_en"):
                values[key[:-3]] = value
    return values
