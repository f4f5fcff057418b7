"""The finance registry's totals worked out at the push (domain/integrations.py, TOTALLED_AT_PUSH):
each change puts its own part as one small item under its day, spread over a few lanes, and
the push adds a day up with one paged Query per lane. No item or partition takes every change.
Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from chalicelib.adapters.dynamodb.ops_models import DayFactItem, DayTotalledItem
from chalicelib.adapters.dynamodb.shards import shard_of
from chalicelib.adapters.dynamodb.table import Writes, batch_get_raw, query_all
from chalicelib.domain.integrations import IntegrationRecord

# A day's facts are spread over this many partitions (by a hash of the change), so that none
# takes more than its share: at ≈840 facts a second at a national peak (submissions, final
# decisions and fee revenue at ≈280 applications a second), about 105 a second each.
DAY_LANES = 8
# Facts are kept this long (then DynamoDB's TTL drops them): a day is worked out again, when ops
# ask, only while its facts are all there (services/integrations.py, RETOTAL_WITHIN).
DAY_FACTS_KEPT_FOR = timedelta(days=400)
TOTALLED = "TOTALLED"
# A fact is not sent by itself: the push gives the record it adds up to a due time.
NO_DUE_TIME = datetime.min.replace(tzinfo=timezone.utc)


def day_partition(day: str) -> str:
    return f"DAYSTAT#{day}"


def lane_key(day: str, lane: int) -> str:
    return f"{day_partition(day)}#{lane}"


def lane_of(event: str) -> int:
    """The same change always goes to the same lane (a stable hash, not Python's salted one)."""
    return shard_of(event, DAY_LANES)


def put_day_facts(tx: Writes, records: Iterable[IntegrationRecord], at: datetime) -> None:
    """Each record's part as its change's own item. A plain Put, not put-if-absent: the same
    change's fact again is the same key with the same value (counted once), and a condition that
    failed would cancel the whole change with it."""
    for record in records:
        tx.put("day fact", DayFactItem(
            lane_key(record.day, lane_of(record.event)), f"{record.dataset}#{record.key}#{record.event}",
            target=record.target, dataset=record.dataset, record_key=record.key, event=record.event,
            record_fields=dict(record.fields), adds=dict(record.adds), node_path=list(record.node_path) or None,
            expires_ttl=at + DAY_FACTS_KEPT_FOR,
        ))


def _fact(raw: dict) -> IntegrationRecord:
    item = DayFactItem.from_raw_data(raw)
    day = raw["pk"]["S"].split("#")[1]
    return IntegrationRecord(item.target, item.dataset, day, item.record_key, NO_DUE_TIME,
                             fields=dict(item.record_fields or {}), adds={k: int(v) for k, v in item.adds.items()},
                             node_path=tuple(item.node_path or ()), event=item.event)


class DynamoDayFactStore:
    def facts(self, day: str) -> list[IntegrationRecord]:
        """Every fact of the day: one Query per lane (paged), whatever the number of services."""
        return [_fact(raw) for lane in range(DAY_LANES)
                for raw in query_all(DayFactItem, hash_key=lane_key(day, lane))]

    def totalled(self, days: Iterable[str]) -> set[str]:
        """Which of `days` the push has worked out already: one BatchGetItem."""
        found = batch_get_raw((day_partition(day), TOTALLED) for day in days)
        return {pk.removeprefix("DAYSTAT#") for pk, _sk in found}

    def mark_totalled(self, day: str, at: datetime) -> None:
        DayTotalledItem(day_partition(day), TOTALLED, at=at).save()
