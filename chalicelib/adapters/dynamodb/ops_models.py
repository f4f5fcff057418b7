"""Operations' items (docs/DATA.md): the registries' answers kept beside each send-log record,
and the last run of each scheduled function. In the one table, bound with the models of
models.py (models.every_model)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

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


OPS_MODELS = (SendAnswerItem, ScheduleRunItem)
