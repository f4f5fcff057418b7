"""Operations' items (docs/DATA.md): the registries' answers kept beside each send-log record,
the changes' facts the finance push adds each day up from, and the last run of each scheduled
function. In the one table, bound with the models of
models.py (models.every_model)."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute,
)

from chalicelib.adapters.dynamodb.models import Item


class SendAnswerItem(Item):
    """pk SEND#{target}#{dataset}#{key} (its record's), sk A#{UTC time}#{random}: one post of the
    record and the registry's answer as it came; TTL 90 days."""

    at = UTCDateTimeAttribute()
    verdict = UnicodeAttribute()
    http_status = NumberAttribute(null=True)
    code = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    answer = JSONAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)


class ScheduleRunItem(Item):
    """pk SCHEDULE#{function}, sk RUN: the function's last run (start, end, outcome, error) and
    its last run that went well; overwritten by each run."""

    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    last_ok_at = UTCDateTimeAttribute(null=True)
    runs = NumberAttribute(null=True)
    failures = NumberAttribute(null=True)


class DayFactItem(Item):
    """pk DAYSTAT#{day}#{lane}, sk {dataset}#{key}#{event}: one change's part of a finance
    registry total worked out at the push (domain/integrations.py, TOTALLED_AT_PUSH), put in the
    change's transaction; the same change's again is the same item."""

    target = UnicodeAttribute()
    dataset = UnicodeAttribute()
    record_key = UnicodeAttribute()
    event = UnicodeAttribute()
    record_fields = JSONAttribute(null=True)
    adds = JSONAttribute()
    node_path = ListAttribute(of=UnicodeAttribute, null=True)
    expires_ttl = TTLAttribute(null=True)


class DayTotalledItem(Item):
    """pk DAYSTAT#{day}, sk TOTALLED: the push worked the day's totals out (it is over)."""

    at = UTCDateTimeAttribute()


OPS_MODELS = (SendAnswerItem, ScheduleRunItem, DayFactItem, DayTotalledItem)
