"""Every pynamodb model, in one place. One table holds them all (see docs/DATA.md for the
key of each item and the index that serves each access pattern).

The table name, region and endpoint come from settings when `bind()` is first called, never at
import: the models are declared with a placeholder and bound by the composition root.
"""

from __future__ import annotations

import functools

from pynamodb import constants
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.connection import Connection, TableConnection
from pynamodb.connection.base import MetaTable
from pynamodb.models import Model

from chalicelib.domain.org import MAX_TREE_DEPTH

UNBOUND = "unbound-call-bind-first"


class Item(Model):
    """The table's key; every item type below shares it."""

    class Meta:
        table_name = UNBOUND
        region = None
        host = None
        max_retry_attempts = 3
        connect_timeout_seconds = 2
        read_timeout_seconds = 5

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


# ---- indexes -------------------------------------------------------------------------------

def _index(name: str, hash_attr: str, range_attr: str, projection=AllProjection):
    """GSI classes differ only in names; pynamodb wants one class each."""
    meta = type("Meta", (), {"index_name": name, "projection": projection()})
    attrs = {
        "Meta": meta,
        hash_attr: UnicodeAttribute(hash_key=True),
        range_attr: UnicodeAttribute(range_key=True),
    }
    return type(f"Index_{name}", (GlobalSecondaryIndex,), attrs)()


applicant_index = _index("by_applicant", "applicant_key", "created_key")
# One index per tree level: the applications in the subtree under a node of depth d are one
# query on by_anc{d} with the node's id.
ancestor_indexes = [_index(f"by_anc{depth}", f"anc{depth}", "created_key") for depth in range(MAX_TREE_DEPTH + 1)]
inbox_index = _index("inbox", "inbox_key", "inbox_sort")
kind_index = _index("by_kind", "kind_key", "name_key")
pending_index = _index("pending", "pending_key", "pending_since", projection=KeysOnlyProjection)
# Who holds a role at a node (grants, and delegations lending it): recipients of a step's notices.
holders_index = _index("holders", "holder_key", "holder_sort")
# Applications whose next escalation is due, by time: the sweep reads what is due, never scans.
due_index = _index("due", "due_key", "due_sort", projection=KeysOnlyProjection)
# A user's unread notifications, newest first.
unread_index = _index("unread", "unread_key", "unread_sort")
# The send log, by target and state, in order of the day each record is about.
sends_index = _index("sends", "send_list", "send_sort")


# ---- accounts ------------------------------------------------------------------------------

class UserItem(Item):
    """pk USER#{id}, sk PROFILE"""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    language = UnicodeAttribute()
    status = UnicodeAttribute()
    password_hash = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    session_epoch = NumberAttribute(default=0)
    version = NumberAttribute()
    mail_stopped = UnicodeAttribute(null=True)  # bounced | complained
    # Only while unverified, so the purge job finds stale registrations by index, not scan.
    pending_key = UnicodeAttribute(null=True)
    pending_since = UnicodeAttribute(null=True)
    pending = pending_index


class EmailClaimItem(Item):
    """pk EMAIL#{address}, sk EMAIL: one account per address, claimed in the creating transaction."""

    user_id = UnicodeAttribute()


class GrantItem(Item):
    """pk USER#{id}, sk GRANT#{node}#{role}"""

    role = UnicodeAttribute()
    node_id = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()
    holder_key = UnicodeAttribute(null=True)  # {node}#{role}
    holder_sort = UnicodeAttribute(null=True)  # {user}
    holders = holders_index


class DelegationItem(Item):
    """pk USER#{delegator}, sk DELEGATION-OUT#{id} (given), and pk USER#{delegate},
    sk DELEGATION-IN#{id} (received: read with the delegate's grants at every request, and
    in the holders index so the delegate is told of work in the lent role)."""

    delegation_id = UnicodeAttribute()
    role = UnicodeAttribute()
    node_id = UnicodeAttribute()
    delegator_id = UnicodeAttribute()
    delegator_name = UnicodeAttribute()
    delegate_id = UnicodeAttribute()
    delegate_name = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    holder_key = UnicodeAttribute(null=True)
    holder_sort = UnicodeAttribute(null=True)  # {delegate}#{delegation}
    expires_ttl = TTLAttribute(null=True)


class EndedSessionItem(Item):
    """pk USER#{id}, sk ENDED#{family}: a session ended while its access tokens may live on;
    gone (TTL) once the last of them has expired."""

    expires_ttl = TTLAttribute()


class OtpItem(Item):
    """pk USER#{id}, sk OTP#{purpose}: the one live code of that purpose."""

    purpose = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    # verify: the password chosen with the registration that asked for this code.
    password_hash = UnicodeAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)


class ThrottleItem(Item):
    """pk THROTTLE#{scope}#{key}, sk T: failures in the current window and any lock."""

    count = NumberAttribute(default=0)
    window_started = UTCDateTimeAttribute(null=True)
    locked_until = UTCDateTimeAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)


class SessionItem(Item):
    """pk SESSION#{family}, sk S: one refresh-token family (one login on one device)."""

    user_id = UnicodeAttribute()
    generation = NumberAttribute()
    epoch = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    revoked = BooleanAttribute(default=False)
    expires_ttl = TTLAttribute(null=True)


# ---- org tree ------------------------------------------------------------------------------

class NodeItem(Item):
    """pk NODE#{id}, sk NODE"""

    node_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    path = ListAttribute(of=UnicodeAttribute)
    path_kinds = ListAttribute(of=UnicodeAttribute)
    region_code = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    kind_key = UnicodeAttribute()
    name_key = UnicodeAttribute()
    by_kind = kind_index


class ChildLinkItem(Item):
    """pk NODE#{parent}, sk CHILD#{name}#{id}: written with the child, so a new office shows
    under its parent at once (a strongly consistent read, unlike an index)."""

    child_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()


class CalendarItem(Item):
    """pk NODE#{id}, sk CALENDAR: the office's working hours and holidays (domain/office_hours.py),
    beside the office, so a path's calendars are one BatchGet."""

    calendar = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


# ---- applications --------------------------------------------------------------------------

class ApplicationItem(Item):
    """pk APP#{id}, sk A"""

    application_id = UnicodeAttribute()
    tracking_code = UnicodeAttribute()
    service_id = UnicodeAttribute()
    service_version = NumberAttribute()
    node_id = UnicodeAttribute()
    node_path = ListAttribute(of=UnicodeAttribute)
    applicant_id = UnicodeAttribute()
    applicant_name = UnicodeAttribute()
    status = UnicodeAttribute()
    step = NumberAttribute(null=True)
    steps_total = NumberAttribute()
    data = JSONAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    due_at = UTCDateTimeAttribute(null=True)
    warn_at = UTCDateTimeAttribute(null=True)
    node_name = UnicodeAttribute(null=True)
    submitted_at = UTCDateTimeAttribute(null=True)
    last_submitted_at = UTCDateTimeAttribute(null=True)
    step_nodes = ListAttribute(of=UnicodeAttribute, null=True)
    decider_node_id = UnicodeAttribute(null=True)
    decider_role = UnicodeAttribute(null=True)
    suspended_at = UTCDateTimeAttribute(null=True)
    suspension_reason = UnicodeAttribute(null=True)
    escalation_level = NumberAttribute(null=True)
    escalate_at = UTCDateTimeAttribute(null=True)
    assignee_id = UnicodeAttribute(null=True)
    assignee_name = UnicodeAttribute(null=True)
    nik_checks = JSONAttribute(null=True)
    budget_check = JSONAttribute(null=True)
    certificate_code = UnicodeAttribute(null=True)
    # The form's NIKs, encrypted (domain/pii.py: record, data_key, values); `data` holds them masked.
    sealed = JSONAttribute(null=True)
    # field → keyed HMAC of its NIK: the NIK#… lookup items this application has.
    nik_lookups = JSONAttribute(null=True)
    # index keys
    applicant_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    anc0 = UnicodeAttribute(null=True)
    anc1 = UnicodeAttribute(null=True)
    anc2 = UnicodeAttribute(null=True)
    anc3 = UnicodeAttribute(null=True)
    anc4 = UnicodeAttribute(null=True)
    anc5 = UnicodeAttribute(null=True)
    # Set only while a decision is awaited: the inbox index holds nothing else.
    inbox_key = UnicodeAttribute(null=True)
    inbox_sort = UnicodeAttribute(null=True)
    # Set only while an escalation is ahead and the clock runs (not suspended).
    due_key = UnicodeAttribute(null=True)
    due_sort = UnicodeAttribute(null=True)
    by_applicant = applicant_index
    inbox = inbox_index
    due = due_index
    by_anc0, by_anc1, by_anc2, by_anc3, by_anc4, by_anc5 = ancestor_indexes


class HistoryItem(Item):
    """pk APP#{id}, sk H#{version:08d}: written once, never updated (the put is conditional)."""

    at = UTCDateTimeAttribute()
    actor_id = UnicodeAttribute()
    actor_name = UnicodeAttribute()
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    step = NumberAttribute(null=True)
    to_step = NumberAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    on_behalf_of_id = UnicodeAttribute(null=True)
    on_behalf_of_name = UnicodeAttribute(null=True)


class DocumentItem(Item):
    """pk APP#{app}, sk DOC#{document}: beside its application, so listing them is one Query."""

    document_id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    requirement = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()
    uploader_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    upload_expires_at = UTCDateTimeAttribute()
    reason_code = UnicodeAttribute(null=True)
    reason_id = UnicodeAttribute(null=True)
    reason_en = UnicodeAttribute(null=True)
    scanned_at = UTCDateTimeAttribute(null=True)
    scanned_etag = UnicodeAttribute(null=True)
    antivirus = UnicodeAttribute(null=True)
    antivirus_detail = UnicodeAttribute(null=True)
    served_version = UnicodeAttribute(null=True)
    served_type = UnicodeAttribute(null=True)
    served_size = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)
    version = NumberAttribute()


class TrackingItem(Item):
    """pk TRACK#{code}, sk T: claims a tracking code for one application."""

    application_id = UnicodeAttribute()


class CounterItem(Item):
    """pk COUNT#{node}, sk {period}: numbers named by the domain, added to from moves (counter_models)."""


class SurveyItem(Item):
    """pk APP#{app}, sk SURVEY: its applicant's satisfaction survey, put once (attribute_not_exists)
    in the transaction that also moves the IKM counters and the month's IKM record."""

    service_id = UnicodeAttribute()
    period = UnicodeAttribute()  # the month answered
    scores = JSONAttribute()
    answered_at = UTCDateTimeAttribute()


# ---- budgets, certificates, PDFs --------------------------------------------------------------

class BudgetItem(Item):
    """pk BUDGET#{node}, sk {period}: the month's budget, its split, and what the offices below
    show of theirs (`allocated`, `below`, moved with each change below)."""

    node_id = UnicodeAttribute()
    period = UnicodeAttribute()
    amount = NumberAttribute(null=True)
    categories = JSONAttribute(null=True)
    allocated = NumberAttribute(default=0)
    version = NumberAttribute()
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    recommended_at = UTCDateTimeAttribute(null=True)
    recommended_by = UnicodeAttribute(null=True)
    # The splits the offices directly below show, added up per category (`Budget.below`).
    below = JSONAttribute(null=True)


class FiledReportItem(Item):
    """pk FILED#{node}#{period}, sk {app}: a spending report of the month (the month spent) at its office and
    every office above, put on submission; the recap lists it whatever became of it (`approved_at`: at approval)."""

    application_id = UnicodeAttribute()
    approved_at = UTCDateTimeAttribute(null=True)


class PostingItem(Item):
    """pk POSTED#{node}#{period}, sk {approved at}#{app}: an approved spending report, at its
    office and every office above, for the monthly usage report."""

    application_id = UnicodeAttribute()
    category = UnicodeAttribute()
    amount = NumberAttribute()
    approved_at = UTCDateTimeAttribute()


class CertificateItem(Item):
    """pk CERT#{code}, sk C"""

    code = UnicodeAttribute()
    application_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    number = UnicodeAttribute()
    series = UnicodeAttribute()
    sequence = NumberAttribute()
    issued_at = UTCDateTimeAttribute()
    holder_name = UnicodeAttribute()
    node_id = UnicodeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    revocation_reason = UnicodeAttribute(null=True)
    version = NumberAttribute()


class SequenceItem(Item):
    """pk SEQ#{series}, sk S: the last number given in a series (moved only in the transaction
    that uses the next one, conditioned on the last: numbers without gaps)."""

    value = NumberAttribute()


class PdfItem(Item):
    """pk PDF#{kind}#{subject}, sk P: one PDF to make (a receipt or certificate of an
    application, a report), its state and where it is kept once made."""

    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | ready | failed
    object_key = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    rendered_at = UTCDateTimeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    pages = NumberAttribute(null=True)
    size = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    # reports only
    node_id = UnicodeAttribute(null=True)
    period = UnicodeAttribute(null=True)
    requested_by = UnicodeSetAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)


# ---- outbox and notifications ---------------------------------------------------------------

class OutboxItem(Item):
    """pk of the record whose change caused it (APP#{id}), sk OUT#{history sort key}#{n}: what
    must be sent because of a change, written in that change's transaction. Deleted once handed
    on; until then in the pending index (partitions OUTBOX#{shard}), where the relay finds the stragglers."""

    topic = UnicodeAttribute()
    payload = JSONAttribute()
    created_at = UTCDateTimeAttribute()
    relays = NumberAttribute(default=0)
    pending_key = UnicodeAttribute(null=True)
    pending_since = UnicodeAttribute(null=True)
    # The correlation id of the request whose change wrote it (chalicelib/correlation.py).
    correlation_id = UnicodeAttribute(null=True)


class NotificationItem(Item):
    """pk NOTE#{user}, sk N#{id} (listed in the app) or M#{id} (e-mail only: codes, invitations)."""

    notification_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    params = JSONAttribute()
    application_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)
    delivery_status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    unread_key = UnicodeAttribute(null=True)  # {user} while unread
    unread_sort = UnicodeAttribute(null=True)  # {id}
    # While delivery has failed for good: partitions NOTIFY-FAILED#{shard} of the pending index, for ops.
    pending_key = UnicodeAttribute(null=True)
    pending_since = UnicodeAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)
    unread = unread_index


class SendItem(Item):
    """pk SEND#{target}#{dataset}#{key}, sk S: one record owed to an external registry and its
    send log (domain/integrations.py). Running totals are number attributes named `total_{name}`,
    added to by the changes that owe them, or set by the push (day_facts.py). While pending, in the
    pending index (SEND-DUE#{target}#{shard}, by next attempt), where the senders find what is due."""

    target = UnicodeAttribute()
    dataset = UnicodeAttribute()
    day = UnicodeAttribute()
    record_key = UnicodeAttribute()
    state = UnicodeAttribute()
    record_fields = JSONAttribute(null=True)
    version = NumberAttribute(default=0)
    sent_version = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    next_attempt_at = UTCDateTimeAttribute(null=True)
    last_attempt_at = UTCDateTimeAttribute(null=True)
    last_http_status = NumberAttribute(null=True)
    last_code = UnicodeAttribute(null=True)
    last_message = UnicodeAttribute(null=True)
    registry_id = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    send_list = UnicodeAttribute(null=True)  # SENDS#{target}#{state}
    send_sort = UnicodeAttribute(null=True)  # {day}#{dataset}#{key}
    pending_key = UnicodeAttribute(null=True)
    pending_since = UnicodeAttribute(null=True)
    # NIKs in the record, encrypted under the application's data key (domain/pii.py), with
    # where each goes in the body (`paths`); `record_fields` holds them masked.
    sealed = JSONAttribute(null=True)
    # Where the record comes from (root → office): ops at or above it are told if it fails.
    node_path = ListAttribute(of=UnicodeAttribute, null=True)
    sends = sends_index


class NikLookupItem(Item):
    """pk NIK#{keyed HMAC of the NIK}, sk APP#{id}#{field}: an application that names the NIK.
    Written and removed with the application's own changes."""

    application_id = UnicodeAttribute()
    field_name = UnicodeAttribute()
    service_id = UnicodeAttribute()
    node_path = ListAttribute(of=UnicodeAttribute)
    created_at = UTCDateTimeAttribute()


class SubscriptionItem(Item):
    """pk SUBS, sk SUB#{id}: an event subscription (domain/subscriptions.py); the signing secret
    sealed under the subscription's own data key."""

    subscription_id = UnicodeAttribute()
    node_id = UnicodeAttribute()
    node_path = ListAttribute(of=UnicodeAttribute)
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    owner_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    state = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    failures_in_a_row = NumberAttribute(default=0)
    paused_at = UTCDateTimeAttribute(null=True)
    paused_reason = UnicodeAttribute(null=True)
    last_delivered_at = UTCDateTimeAttribute(null=True)
    secret = JSONAttribute()


class UnreadCountItem(Item):
    """pk NOTE#{user}, sk COUNT: unread notifications, moved with each one written or read."""

    unread = NumberAttribute(default=0)


ALL_MODELS: tuple[type[Model], ...] = (
    Item, UserItem, EmailClaimItem, GrantItem, DelegationItem, OtpItem, ThrottleItem, SessionItem,
    NodeItem, ChildLinkItem, CalendarItem, ApplicationItem, HistoryItem, DocumentItem, TrackingItem, CounterItem,
    BudgetItem, PostingItem, CertificateItem, SequenceItem, PdfItem, OutboxItem, NotificationItem, UnreadCountItem,
    SendItem, NikLookupItem, SubscriptionItem, SurveyItem,
)


def every_model() -> tuple[type[Model], ...]:
    from chalicelib.adapters.dynamodb import admin_models, asset_models, counter_models, library_models, ops_models
    return (ALL_MODELS + library_models.LIBRARY_MODELS + asset_models.MODELS + ops_models.OPS_MODELS + admin_models.MODELS
            + counter_models.MODELS)


def bind(table_name: str, region: str, host: str | None, read_timeout_seconds: float = 5) -> None:
    """Point every model at the configured table, through one shared connection; safe to call
    again with other settings.

    Left alone, pynamodb gives each model class its own connection, and each connection its own
    botocore session and client: a dozen copies of DynamoDB's service model in memory and a
    client built on the first use of every model. One table, one connection."""
    Item.Meta.table_name = table_name
    Item.Meta.region = region
    Item.Meta.host = host
    Item.Meta.read_timeout_seconds = read_timeout_seconds
    shared = _table_connection(table_name, region, host, read_timeout_seconds)
    for model in every_model():
        model._connection = shared


# Bound again with the same settings (a test's fresh composition root), the connection and its
# botocore session, which read DynamoDB's service model from disk, are the ones already made.
@functools.cache
def _table_connection(table_name: str, region: str, host: str | None, read_timeout_seconds: float) -> TableConnection:
    attributes: dict[str, dict] = {}
    indexes: dict[str, dict] = {}
    for model in every_model():
        schema = model._get_schema()
        for attribute in schema["attribute_definitions"]:
            attributes[attribute["AttributeName"]] = attribute
        for index in schema["global_secondary_indexes"]:
            indexes[index["index_name"]] = {constants.INDEX_NAME: index["index_name"],
                                            constants.KEY_SCHEMA: index["key_schema"]}
    meta = Item.Meta
    return TableConnection(
        meta.table_name,
        meta_table=MetaTable({
            constants.TABLE_NAME: meta.table_name,
            constants.KEY_SCHEMA: Item._get_schema()["key_schema"],
            constants.ATTR_DEFINITIONS: list(attributes.values()),
            constants.GLOBAL_SECONDARY_INDEXES: list(indexes.values()),
            constants.LOCAL_SECONDARY_INDEXES: [],
        }),
        region=meta.region, host=meta.host, connect_timeout_seconds=meta.connect_timeout_seconds,
        read_timeout_seconds=meta.read_timeout_seconds, max_retry_attempts=meta.max_retry_attempts,
    )


def connection() -> Connection:
    """The connection transactions go through (the models' own, not a new one per call)."""
    return Item._get_connection().connection
