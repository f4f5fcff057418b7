"""Each in-memory fake (tests/fakes) and its DynamoDB store pass the same contract: the
behaviours the services rely on — conditional writes failing with the ports' exceptions,
paging by cursor without repeats or gaps, counting and leases. The DynamoDB stores come from
the composition root (`deps`), so this file does not care how the adapters are laid out.

The table is shared by the whole suite: every test uses ids of its own, and times long past
where it reads a partition other tests write to (due records, escalations, stragglers)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from chalicelib.domain import applications as rules
from chalicelib.domain import integrations as reg
from chalicelib.domain import subscriptions as subs
from chalicelib.domain.budgets import Budget, BudgetWrite
from tests.support import settle_counters
from chalicelib.domain.documents import AWAITING, SCANNING, Document
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.ids import new_tracking_code
from chalicelib.domain.application_state import HistoryEntry
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.notifications import Notice, Notification
from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant, Principal, User
from chalicelib.domain.pii import Sealed
from chalicelib.services.ports import (
    EmailTaken, ParentMissing, PdfRecord, Session, SiblingNameTaken, StaleApplication, StaleBudget, StoredCode,
    TrackingCodeTaken,
)
from tests.fakes import Fakes
from tests.unit.test_application_rules import DESK, ORIGIN, SERVICE, WIB

LONG_AGO = datetime(2001, 3, 4, 5, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request):
    if request.param == "fake":
        return Fakes()
    deps = request.getfixturevalue("deps")
    return SimpleNamespace(
        users=deps.users, sessions=deps.sessions, throttles=deps.throttles, delegations=deps.delegation_store,
        org=deps.org_store, applications=deps.application_store, documents=deps.document_store,
        outbox=deps.outbox_store, notifications=deps.notification_store, budgets=deps.budget_store,
        pdfs=deps.pdf_store, sends=deps.send_log_store, subscriptions=deps.subscription_store,
        settle_counters=lambda: settle_counters(deps),
    )


def uid(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def person(email: str | None = None, status: str = "pending", at: datetime = NOW) -> User:
    return User(uid("usr"), email or f"{uid('c')}@example.id", "Contract", "id", status, None, at)


def code(purpose: str = "verify", hash_: str = "h1") -> StoredCode:
    return StoredCode(purpose, hash_, NOW + timedelta(minutes=10), 0, None)


# ---- users, sessions, throttles, delegations -----------------------------------------------------------

def test_an_address_is_claimed_once_and_a_code_redeemed_once(stores):
    users = stores.users
    user = person()
    users.create(user, code(), [Grant("verifier", "n1")], granted_by="admin")
    with pytest.raises(EmailTaken):
        users.create(replace(person(), email=user.email), None)
    loaded, codes = users.load(user.id)
    assert (loaded.email, loaded.grants, codes["verify"].code_hash) == (user.email, (Grant("verifier", "n1"),), "h1")
    assert users.reserve_code_attempt(user.id, "verify", "h1", limit=2) == 1
    assert users.reserve_code_attempt(user.id, "verify", "other", limit=2) is None  # replaced meanwhile
    assert users.reserve_code_attempt(user.id, "verify", "h1", limit=2) == 2
    assert users.reserve_code_attempt(user.id, "verify", "h1", limit=2) is None  # no tries left
    assert users.reserve_code_attempt(user.id, "reset", "h1", limit=2) is None  # no such code
    active = replace(user, status="active", version=1)
    assert not users.redeem_code(active, 0, code(hash_="other"))
    assert users.redeem_code(active, 0, code())
    assert not users.redeem_code(replace(active, version=2), 1, code())  # spent
    assert not users.save(replace(active, name="Stale", version=1), 0)
    assert users.save(replace(active, name="Fresh", version=2), 1) and users.get(user.id).name == "Fresh"
    assert not users.delete_unverified(users.get(user.id))


def test_an_unverified_registration_is_removed_and_its_address_freed(stores):
    users = stores.users
    user = person(at=LONG_AGO)
    users.create(user, code())
    assert user.id in users.pending_since_before(LONG_AGO + timedelta(seconds=1), 1000)
    assert user.id not in users.pending_since_before(LONG_AGO, 1000)
    assert users.delete_unverified(user)
    assert users.get(user.id) is None and users.user_id_for_email(user.email) is None


def test_a_session_advances_once_per_generation_and_not_once_revoked(stores):
    sessions, family = stores.sessions, uid("fam")
    sessions.create(Session(family, "u1", 1, 0, NOW + timedelta(days=1), False), NOW)
    assert sessions.advance(family, 1) and not sessions.advance(family, 1)
    assert sessions.get(family).generation == 2
    sessions.revoke(family, "u2", NOW)  # another user's family: nothing happens
    assert not sessions.get(family).revoked
    sessions.revoke(family, "u1", NOW + timedelta(minutes=15))
    assert sessions.get(family).revoked and not sessions.advance(family, 2)
    sessions.revoke(uid("fam"), "u1", NOW)  # an unknown family: nothing happens
    assert sessions.get(uid("fam")) is None


def test_an_ended_session_is_read_with_the_account_it_belongs_to(stores):
    user = person()
    stores.users.create(user, None)
    family = uid("fam")
    stores.sessions.create(Session(family, user.id, 1, 0, NOW + timedelta(days=1), False), NOW)
    assert stores.users.get(user.id).ended_sessions == frozenset()
    stores.sessions.revoke(family, user.id, NOW + timedelta(minutes=15))
    assert stores.users.get(user.id).ended_sessions == {family}


def test_tries_are_taken_up_to_the_limit_the_last_locks_and_a_new_window_opens_after(stores):
    throttles, key, window = stores.throttles, uid("k"), timedelta(minutes=15)
    first = throttles.take("login", key, NOW, window, 3, window)
    assert (first.granted, first.last) == (True, False)
    assert throttles.take("login", key, NOW + timedelta(minutes=1), window, 3, window).granted
    third = throttles.take("login", key, NOW + timedelta(minutes=2), window, 3, window)
    assert (third.granted, third.last) == (True, True)  # the last try: failing it ends in the lock
    refused = throttles.take("login", key, NOW + timedelta(minutes=3), window, 3, window)
    assert (refused.granted, refused.refused_until) == (False, NOW + timedelta(minutes=17))
    assert throttles.take("login", key, NOW + timedelta(minutes=17), window, 3, window).granted  # lock over
    other = uid("k")
    assert throttles.take("login", other, NOW, window, 2, window).granted
    throttles.clear("login", other)  # a right password: the tries start again
    assert not throttles.take("login", other, NOW, window, 2, window).last


def test_a_throttle_counts_in_its_window_locks_at_its_limit_and_clears(stores):
    throttles, key, window = stores.throttles, uid("k"), timedelta(minutes=15)
    assert throttles.count("login", key, NOW, window, 3, window) == (1, None)
    assert throttles.count("login", key, NOW + timedelta(minutes=1), window, 3, window) == (2, None)
    count, locked = throttles.count("login", key, NOW + timedelta(minutes=2), window, 3, window)
    assert (count, locked) == (0, NOW + timedelta(minutes=17))
    assert throttles.locked_until("login", key, NOW + timedelta(minutes=16)) == locked
    assert throttles.locked_until("login", key, locked) is None
    other = uid("k")
    throttles.count("send", other, NOW, timedelta(hours=1))
    assert throttles.count("send", other, NOW + timedelta(hours=1), timedelta(hours=1)) == (1, None)  # a new window
    throttles.clear("login", key)
    assert throttles.locked_until("login", key, NOW + timedelta(minutes=3)) is None


def test_a_delegation_is_seen_by_both_parties_and_lends_the_role(stores):
    giver, taker = person(status="active"), person(status="active")
    node = uid("node")
    stores.users.create(giver, None, [Grant("verifier", node)])
    stores.users.create(taker, None, [Grant("viewer", node)])
    lent = Delegation(uid("dlg"), "verifier", node, giver.id, giver.name, taker.id, taker.name, NOW,
                      NOW + timedelta(days=2), NOW)
    stores.delegations.create(lent)
    assert stores.delegations.of_user(giver.id) == [lent] == stores.delegations.of_user(taker.id)
    assert stores.users.get(taker.id).delegations == (lent,)
    assert sorted(stores.users.holders("verifier", node), key=lambda h: h[0]) == sorted(
        [(giver.id, None), (taker.id, lent)], key=lambda h: h[0])
    stores.delegations.delete(lent)
    assert stores.delegations.of_user(taker.id) == [] and stores.users.holders("verifier", node) == [(giver.id, None)]


def test_an_office_needs_its_parent_and_a_name_free_among_its_siblings(stores):
    org, root_id = stores.org, uid("node")
    root = Node(root_id, "org", "Root", None, (root_id,), ("org",))
    org.create(root, NOW)
    child_id = uid("node")
    org.create(Node(child_id, "desk", "Loket A", root_id, (root_id, child_id), ("org", "desk")), NOW)
    twin = uid("node")
    with pytest.raises(SiblingNameTaken):
        org.create(Node(twin, "desk", "LOKET a", root_id, (root_id, twin), ("org", "desk")), NOW)
    orphan, missing = uid("node"), uid("node")
    with pytest.raises(ParentMissing):
        org.create(Node(orphan, "desk", "X", missing, (missing, orphan), ("org", "desk")), NOW)
    node, children = org.get_with_children(root_id)
    assert node == root and [c.id for c in children] == [child_id]
    assert set(org.get_many([root_id, child_id, missing])) == {root_id, child_id}
    assert org.get(twin) is None and org.get(orphan) is None


def test_an_office_keeps_one_calendar_of_its_own_beside_its_children(stores):
    from chalicelib.domain.office_hours import parse_calendar

    org, root_id, child_id = stores.org, uid("node"), uid("node")
    org.create(Node(root_id, "org", "Root", None, (root_id,), ("org",)), NOW)
    org.create(Node(child_id, "desk", "Loket", root_id, (root_id, child_id), ("org", "desk")), NOW)
    body = {"zone": "WITA", "week": {"mon": [["08:00", "12:00"], ["13:00", "16:00"]]},
            "holidays": [{"date": "2027-01-01", "name": "Tahun Baru"}]}
    org.put_calendar(root_id, parse_calendar(body, root_id, NOW, "u-admin"))
    with pytest.raises(ParentMissing):
        org.put_calendar(uid("node"), parse_calendar(body, "x", NOW, "u-admin"))
    found = org.calendars([root_id, child_id])
    assert list(found) == [root_id] and found[root_id].as_dict() == parse_calendar(body, root_id, NOW, "u").as_dict()
    assert found[root_id].updated_by == "u-admin"
    assert [c.id for c in org.get_with_children(root_id)[1]] == [child_id]  # the calendar is not a child
    org.delete_calendar(root_id)
    assert org.calendars([root_id]) == {}


def test_a_container_uses_the_calendars_it_read_for_a_minute_and_its_own_writes_at_once(deps):
    from chalicelib.adapters.dynamodb.org import RECENT_CALENDARS_SECONDS, DynamoOrgStore
    from chalicelib.domain.office_hours import parse_calendar

    now = [1000.0]
    mine, other = DynamoOrgStore(monotonic=lambda: now[0]), deps.org_store  # two containers
    root_id, child_id = uid("node"), uid("node")
    mine.create(Node(root_id, "org", "Root", None, (root_id,), ("org",)), NOW)
    mine.create(Node(child_id, "desk", "Loket", root_id, (root_id, child_id), ("org", "desk")), NOW)
    week = {"zone": "WIB", "week": {"mon": [["08:00", "12:00"]]}}
    holiday = {**week, "holidays": [{"date": "2027-01-01", "name": "Tahun Baru"}]}
    assert mine.recent_calendars([root_id, child_id]) == {}

    other.put_calendar(root_id, parse_calendar(holiday, root_id, NOW, "u-admin"))
    assert mine.recent_calendars([root_id]) == {}  # read a moment ago: not seen yet
    assert list(mine.calendars([root_id])) == [root_id]  # a fresh read sees it
    mine.forget_recent()  # as the benchmark counts a request: the first of its minute
    assert list(mine.recent_calendars([root_id])) == [root_id]
    now[0] += RECENT_CALENDARS_SECONDS
    assert [h.name for h in mine.recent_calendars([root_id, child_id])[root_id].holidays] == ["Tahun Baru"]

    mine.put_calendar(root_id, parse_calendar(week, root_id, NOW, "u-admin"))  # its own write: at once
    assert mine.recent_calendars([root_id])[root_id].holidays == ()
    mine.delete_calendar(root_id)
    assert mine.recent_calendars([root_id, child_id]) == {}


# ---- applications, documents, the outbox ----------------------------------------------------------------

applicant = Principal(uid("usr"), "a@x.id", "Applicant", "id")


def filed(at: datetime = NOW, applicant_id: str | None = None, tracking_code: str | None = None):
    caller = replace(applicant, user_id=applicant_id) if applicant_id else applicant
    return rules.new_application(app_id=uid("app"), tracking_code=tracking_code or new_tracking_code(), service=SERVICE,
                                 node=DESK, caller=caller, data={"title": "Izin"}, now=at, tz=WIB, origin=ORIGIN)


def test_an_application_is_written_on_the_version_read_with_a_tracking_code_of_its_own(stores):
    apps = stores.applications
    change = filed()
    apps.save(change)
    with pytest.raises(TrackingCodeTaken):
        apps.save(filed(tracking_code=change.application.tracking_code))
    submit = rules.submit(change.application, SERVICE, DESK, applicant, [], NOW, WIB, ORIGIN)
    with pytest.raises(StaleApplication):
        apps.save(replace(submit, expected_version=submit.expected_version + 1))
    keys = apps.save(submit)
    with pytest.raises(StaleApplication):
        apps.save(submit)  # the same change again: the version moved on
    app, history = apps.get_with_history(change.application.id)
    assert (app.status, app.version) == ("submitted", 2) and [h.action for h in history] == ["create", "submit"]
    assert apps.id_for_tracking_code(app.tracking_code) == app.id
    stores.settle_counters()  # DynamoDB's counters are counted from the stream, after the change
    assert apps.counters(DESK.id, "2026-11").get("status:submitted", 0) >= 1
    assert {k.topic for k in keys} == {"notify", "render"} and len(keys) == len(submit.notices) + len(submit.renders)


def test_an_applicants_list_pages_newest_first_without_repeats(stores):
    apps, someone = stores.applications, uid("usr")
    made = [filed(NOW + timedelta(minutes=n), applicant_id=someone) for n in range(5)]
    for change in made:
        apps.save(change)
    seen, cursor = [], None
    while True:
        page, cursor = apps.page_for_applicant(someone, cursor, 2)
        seen += [a.id for a in page]
        if cursor is None:
            break
    assert seen == [c.application.id for c in reversed(made)]
    assert [a.id for a in apps.page_for_applicant(someone, None, 10, status="submitted")[0]] == []
    with pytest.raises(InvalidInput):
        apps.page_for_applicant(someone, "not-a-cursor", 2)


def test_overdue_steps_are_found_until_escalated_and_never_while_suspended(stores):
    apps = stores.applications
    created = filed(LONG_AGO)
    apps.save(created)
    submitted = rules.submit(created.application, SERVICE, DESK, applicant, [], LONG_AGO, WIB, ORIGIN)
    apps.save(submitted)
    app = submitted.application
    assert app.id not in apps.due_for_escalation(app.escalate_at - timedelta(seconds=1), 1000)
    assert app.id in apps.due_for_escalation(app.escalate_at, 1000)
    decider = Principal(uid("usr"), "d@x.id", "Desk", "id", (Grant("verifier", DESK.id),))
    inbox, _ = apps.inbox_page([(DESK.id, "verifier")], None, 1000)
    assert app.id in [a.id for a in inbox]
    suspended = rules.suspend(app, SERVICE, decider, "wait", LONG_AGO + timedelta(hours=1), ORIGIN)
    apps.save(suspended)
    assert app.id not in apps.due_for_escalation(NOW, 1000)


def test_a_document_is_added_scanned_once_and_settled_once(stores):
    apps, documents = stores.applications, stores.documents
    change = filed()
    apps.save(change)
    app = change.application
    doc = Document(id=uid("doc"), application_id=app.id, requirement="attachment", filename="a.pdf",
                   content_type="application/pdf", size=10, status=AWAITING, uploader_id=applicant.user_id,
                   created_at=NOW, upload_expires_at=NOW + timedelta(minutes=15))
    entry = HistoryEntry(NOW, applicant.user_id, "Applicant", "add_document", "draft", "draft", None)
    with pytest.raises(StaleApplication):
        documents.add(replace(app, version=app.version + 1), doc, entry)
    documents.add(app, doc, entry)
    assert documents.start_scan(doc) and not documents.start_scan(doc)
    scanning = replace(doc, status=SCANNING, version=doc.version + 1)
    settled = replace(scanning, status="clean", version=scanning.version + 1)
    notice = Notice("document_accepted", {"x": "1"}, application_id=app.id, to_user_id=applicant.user_id)
    later = replace(entry, at=NOW + timedelta(seconds=1), action="document_accepted")
    keys = documents.settle(app, settled, later, (notice,))
    assert len(keys) == 1 and stores.outbox.get(keys[0]) == (notice, later.at)
    assert documents.settle(app, settled, replace(later, at=NOW + timedelta(seconds=2)), ()) is None
    assert [d.status for d in documents.list(app.id)] == ["clean"]
    with pytest.raises(StaleApplication):
        documents.delete(app, doc, replace(entry, at=NOW + timedelta(seconds=3)), ["clean/x"])  # not the version read


def test_an_outbox_entry_waits_until_done_and_leaves_the_relay_after_too_many_hand_ons(stores):
    created = filed(LONG_AGO)
    stores.applications.save(created)
    keys = stores.applications.save(rules.submit(created.application, SERVICE, DESK, applicant, [], LONG_AGO, WIB,
                                                 ORIGIN))
    notify = [k for k in keys if k.topic == "notify"]
    waiting = stores.outbox.stragglers(LONG_AGO + timedelta(seconds=1), 1000)
    assert set(notify) <= set(waiting)
    first, second = notify[0], notify[1]
    assert [stores.outbox.count_relay(first, 2) for _ in range(3)] == [1, 2, 3]
    stores.outbox.done(second)
    assert stores.outbox.get(second) is None and stores.outbox.count_relay(second, 2) == 0
    left = stores.outbox.stragglers(LONG_AGO + timedelta(seconds=1), 1000)
    assert first not in left and second not in left


# ---- notifications, budgets, PDFs ---------------------------------------------------------------------

def test_a_notification_is_written_once_counted_unread_once_and_pages_newest_first(stores):
    notes, user_id = stores.notifications, uid("usr")
    made = [Notification(f"ntf_{n:02d}{uuid.uuid4().hex[:8]}", user_id, "submitted", {"n": n}, NOW) for n in range(3)]
    for note in made:
        assert notes.add(note)
    assert not notes.add(made[0])
    assert notes.unread_count(user_id) == 3
    assert notes.mark_read(user_id, made[1].id, NOW) and not notes.mark_read(user_id, made[1].id, NOW)
    assert notes.unread_count(user_id) == 2
    seen, cursor = [], None
    while True:
        page, cursor = notes.page(user_id, cursor, 2, False)
        seen += [n.id for n in page]
        if cursor is None:
            break
    assert seen == [n.id for n in reversed(made)]
    assert [n.id for n in notes.page(user_id, None, 10, True)[0]] == [made[2].id, made[0].id]
    notes.record_delivery(made[0], "sent", 1, NOW)
    notes.record_delivery(made[0], "failed", 2, NOW, "late failure")
    assert notes.get(user_id, made[0].id).delivery_status == "sent"


def test_a_changes_notifications_are_written_together_once_and_recorded_sent_with_their_entries_cleared(stores):
    created = filed(LONG_AGO)
    stores.applications.save(created)
    keys = stores.applications.save(rules.submit(created.application, SERVICE, DESK, applicant, [], LONG_AGO, WIB, ORIGIN))
    notify = [k for k in keys if k.topic == "notify"]
    assert set(stores.outbox.get_many(notify)) == set(notify)
    reader, other = uid("usr"), uid("usr")
    made = [Notification(uid("ntf"), reader, "submitted", {}, NOW), Notification(uid("ntf"), reader, "assigned", {}, NOW),
            Notification(uid("ntf"), other, "assigned", {}, NOW)]
    notes = stores.notifications
    assert notes.add_many(made[:2]) == made[:2]
    assert notes.add_many(made) == [made[2]]  # a redelivered fan-out: only what was not written before
    assert (notes.unread_count(reader), notes.unread_count(other)) == (2, 1)
    notes.record_sent([(made[0], "m-1"), (made[2], "m-3")], NOW, notify)
    assert [notes.get(n.user_id, n.id).delivery_status for n in made] == ["sent", "queued", "sent"]
    assert stores.outbox.get_many(notify) == {}
    notes.record_sent([(made[0], "m-1"), (made[1], "m-2")], NOW, [])  # one of them sent before: each on its own
    assert notes.get(reader, made[1].id).delivery_status == "sent"


def test_several_users_profiles_are_read_together(stores):
    first, second = person(status="active"), person(status="active")
    for user in (first, second):
        stores.users.create(user, None)
    found = stores.users.get_many([first.id, second.id, uid("usr")])
    assert {user_id: user.email for user_id, user in found.items()} == {first.id: first.email, second.id: second.email}


def test_a_budget_is_written_on_the_version_read_with_its_parents(stores):
    budgets, parent_id, child_id = stores.budgets, uid("node"), uid("node")
    parent = Budget(parent_id, "2026-11", amount=100, version=1)
    budgets.write(BudgetWrite(parent, 0, None, 0))
    with pytest.raises(StaleBudget):
        budgets.write(BudgetWrite(parent, 0, None, 0))  # it exists now
    child = Budget(child_id, "2026-11", amount=60, version=1)
    with pytest.raises(StaleBudget):
        budgets.write(BudgetWrite(child, 0, replace(parent, allocated=60, version=2), 0))  # parent read stale
    assert budgets.get(child_id, "2026-11") == Budget(child_id, "2026-11")
    budgets.write(BudgetWrite(child, 0, replace(parent, allocated=60, version=2), 1))
    found = budgets.get_many([(parent_id, "2026-11"), (child_id, "2026-11"), (child_id, "2026-12")])
    assert {k: (b.allocated, b.version) for k, b in found.items()} == {
        (parent_id, "2026-11"): (60, 2), (child_id, "2026-11"): (0, 1)}


def test_a_pdf_is_claimed_by_one_render_at_a_time_until_ready(stores):
    pdfs, subject = stores.pdfs, uid("app")
    asked = pdfs.request(PdfRecord("receipt", subject, "pending", NOW), "u1")
    again = pdfs.request(PdfRecord("receipt", subject, "pending", NOW + timedelta(hours=1)), "u2")
    assert (asked.status, again.created_at, again.requested_by) == ("pending", NOW, frozenset({"u1", "u2"}))
    assert pdfs.claim("receipt", uid("app"), NOW, timedelta(minutes=5)) is None  # never asked for
    assert pdfs.claim("receipt", subject, NOW, timedelta(minutes=5)).attempts == 1
    assert pdfs.claim("receipt", subject, NOW + timedelta(minutes=4), timedelta(minutes=5)) is None
    pdfs.fail("receipt", subject, "boom", final=False)
    assert pdfs.claim("receipt", subject, NOW + timedelta(minutes=4), timedelta(minutes=5)).attempts == 2
    pdfs.finish("receipt", subject, "generated/receipt/x.pdf", 1, 100, NOW)
    assert pdfs.claim("receipt", subject, NOW + timedelta(hours=1), timedelta(minutes=5)) is None
    assert pdfs.get("receipt", subject).status == "ready"
    pdfs.fail("receipt", subject, "a late failure of another render", final=True)  # does not raise
    assert (pdfs.get("receipt", subject).status, pdfs.get("receipt", subject).error) == ("ready", None)


def test_an_outbox_entrys_paper_is_asked_for_and_claimed_in_one_write_and_finished_with_the_entry(stores):
    created = filed(LONG_AGO)
    stores.applications.save(created)
    keys = stores.applications.save(rules.submit(created.application, SERVICE, DESK, applicant, [], LONG_AGO, WIB, ORIGIN))
    entry = next(k for k in keys if k.topic == "render")
    pdfs, subject = stores.pdfs, created.application.id
    asked = PdfRecord("receipt", subject, "pending", NOW)
    claimed = pdfs.claim("receipt", subject, NOW, timedelta(minutes=5), asked)
    assert (claimed.status, claimed.attempts, claimed.created_at) == ("pending", 1, NOW)
    assert pdfs.claim("receipt", subject, NOW + timedelta(minutes=1), timedelta(minutes=5), asked) is None  # leased
    pdfs.finish("receipt", subject, "generated/receipt/z.pdf", 1, 100, NOW, entry)
    assert pdfs.get("receipt", subject).status == "ready" and stores.outbox.get_payload(entry) is None
    assert pdfs.claim("receipt", subject, NOW + timedelta(hours=1), timedelta(minutes=5), asked) is None  # ready


def test_finishing_or_failing_a_pdf_never_asked_for_writes_nothing(stores):
    never = uid("app")
    stores.pdfs.finish("receipt", never, "generated/receipt/y.pdf", 1, 100, NOW)
    stores.pdfs.fail("receipt", never, "boom", final=True)
    assert stores.pdfs.get("receipt", never) is None


# ---- the send log and subscriptions ---------------------------------------------------------------------

def owe(stores, key: str, due_at: datetime = LONG_AGO, adds: int = 1) -> str:
    """A record owed, written as changes write them: in an application's transaction."""
    change = filed(LONG_AGO)
    record = reg.IntegrationRecord(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, "2001-03-03", key, due_at, fields={"kd": key},
                                adds={"jml_permohonan": adds})
    stores.applications.save(replace(change, integration_records=(record,)))
    return f"SEND#{reg.FINANCE_REGISTRY}#{reg.SERVICE_STATISTICS}#{key}"


def test_a_record_is_leased_to_one_sender_retried_later_and_sent_once(stores):
    sends, key = stores.sends, uid("rec")
    pk = owe(stores, key)
    assert pk in sends.due(reg.FINANCE_REGISTRY, LONG_AGO, 1000)
    claimed = sends.claim(pk, NOW, timedelta(minutes=2))
    assert claimed.attempts == 1 and claimed.totals == {"jml_permohonan": 1}
    assert sends.claim(pk, NOW + timedelta(minutes=1), timedelta(minutes=2)) is None  # leased
    retry_at = NOW + timedelta(hours=1)
    sends.settle(claimed, reg.Outcome(reg.RETRY, "MSG50001", "down"), 503, NOW, retry_at)
    assert sends.claim(pk, NOW + timedelta(minutes=30), timedelta(minutes=2)) is None  # not due yet
    again = sends.claim(pk, retry_at, timedelta(minutes=2))
    assert again.attempts == 2
    sends.settle(again, reg.Outcome(reg.SAVED, "MSG20003", "ok"), 200, retry_at, None)
    sent = sends.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, key)
    assert (sent.state, sent.sent_version, sent.lease_until) == (reg.SENT, 1, None)
    assert sends.claim(pk, NOW + timedelta(days=1), timedelta(minutes=2)) is None


def test_a_record_changed_while_in_flight_stays_pending_for_the_new_total(stores):
    sends, key = stores.sends, uid("rec")
    pk = owe(stores, key)
    claimed = sends.claim(pk, NOW, timedelta(minutes=2))
    owe(stores, key, adds=2)
    settled = sends.settle(claimed, reg.Outcome(reg.SAVED, "MSG20003", "ok"), 200, NOW, None)
    assert (settled.state, settled.sent_version, settled.version, settled.totals) == (
        reg.PENDING, 1, 2, {"jml_permohonan": 3})


def test_a_record_is_released_deferred_closed_and_requeued_as_asked(stores):
    sends, key = stores.sends, uid("rec")
    pk = owe(stores, key)
    claimed = sends.claim(pk, NOW, timedelta(minutes=2))
    assert not sends.defer(pk, NOW, NOW + timedelta(hours=1), "paused")  # leased
    sends.release(claimed, NOW, "stopped")
    assert sends.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, key).attempts == 0
    assert sends.defer(pk, NOW, NOW + timedelta(hours=1), "paused")
    assert sends.claim(pk, NOW, timedelta(minutes=2)) is None
    assert sends.close(pk, NOW, "gone") and not sends.close(pk, NOW, "gone")
    assert sends.requeue(reg.FINANCE_REGISTRY, "2001-03-03", NOW, key_prefix=key) == 1
    requeued = sends.get(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, key)
    assert (requeued.state, requeued.next_attempt_at) == (reg.PENDING, NOW)
    page, _ = sends.page([reg.FINANCE_REGISTRY], [reg.PENDING], "2001-03-03", None, 1000)
    assert key in [e.key for e in page]


def test_a_subscription_counts_failures_pauses_once_and_resumes(stores):
    store, sub_id = stores.subscriptions, uid("sub")
    sub = subs.Subscription(sub_id, "n1", ("n1",), "https://hooks.example/x", ("application.submitted",), "u1", NOW)
    store.add(sub, Sealed("subscription/" + sub_id, "k", {"secret": "s"}))
    with pytest.raises(ValueError):
        store.add(sub, Sealed("subscription/" + sub_id, "k", {}))
    assert [store.not_delivered(sub_id, NOW).failures_in_a_row for _ in range(2)] == [1, 2]
    assert store.pause(sub_id, NOW, "down") and not store.pause(sub_id, NOW, "down")
    assert store.get(sub_id)[0].state == subs.PAUSED
    resumed = store.resume(sub_id)
    assert (resumed.state, resumed.failures_in_a_row, resumed.paused_reason) == (subs.ACTIVE, 0, None)
    store.not_delivered(sub_id, NOW)
    store.delivered(sub_id, NOW)
    assert store.get(sub_id)[0].failures_in_a_row == 0
    seen, cursor = [], None
    while True:
        page, cursor = store.page(cursor, 2)
        seen += [s.id for s in page]
        if cursor is None:
            break
    assert seen.count(sub_id) == 1 and sub_id in [s.id for s in store.all()]
    assert store.delete(sub_id) and not store.delete(sub_id)
    assert store.not_delivered(sub_id, NOW) is None and store.resume(sub_id) is None


def test_a_subscriptions_list_entry_carries_its_secret_and_what_its_own_writes_answered(stores):
    store, sub_id = stores.subscriptions, uid("sub")
    sub = subs.Subscription(sub_id, "n1", ("n1",), "https://hooks.example/x", ("application.submitted",), "u1", NOW)
    store.add(sub, Sealed("subscription/" + sub_id, "k", {"secret": "s"}))
    listed, secret = store.listed(sub_id)
    assert (listed.id, listed.failures_in_a_row, secret.record) == (sub_id, 0, "subscription/" + sub_id)
    store.not_delivered(sub_id, NOW)
    assert store.listed(sub_id)[0].failures_in_a_row == 1  # without reading the partition again
    store.delivered(sub_id, NOW)
    assert (store.listed(sub_id)[0].failures_in_a_row, store.listed(sub_id)[0].last_delivered_at) == (0, NOW)
    assert store.listed(uid("sub")) is None


def test_a_late_failure_or_delivery_does_not_undo_a_later_delivery_written_beside_it(stores):
    store, sub_id = stores.subscriptions, uid("sub")
    sub = subs.Subscription(sub_id, "n1", ("n1",), "https://hooks.example/x", ("application.submitted",), "u1", NOW)
    store.add(sub, Sealed("subscription/" + sub_id, "k", {"secret": "s"}))
    store.delivered(sub_id, NOW)
    earlier = NOW - timedelta(seconds=5)
    assert store.not_delivered(sub_id, earlier) is None  # posted before the later success: not in a row
    store.delivered(sub_id, earlier)
    assert (store.get(sub_id)[0].failures_in_a_row, store.get(sub_id)[0].last_delivered_at) == (0, NOW)
    assert store.not_delivered(sub_id, NOW).failures_in_a_row == 1  # as late as the success: counted
