"""Move items written before the index keys were sharded to their sharded keys (one-off, after
the release that shards them; docs/DEPLOY.md "Each release").

  AWS_DEFAULT_REGION=ap-southeast-3 python -m infra.backfill_shards --stage prod --stack satupintu

Reads the table page by page (a Scan: an operator's one-off, never a request path) and rewrites
what still holds a bare key: `pending_key` (PENDING, OUTBOX…, NOTIFY-FAILED, SEND-DUE#{target}),
`due_key` (DUE, DAM-DUTY, DAM-DUE), the root's `anc0` and the send log's `send_list`
(SENDS#{target}#{state}) get their `{key}#{shard}` in place, each update conditioned on the bare
value still being there (a change meanwhile wrote the sharded one, and wins); Powertools'
idempotency records move from `IDEMPOTENCY#…` and subscriptions' delivery lists from
`SUBDELIVERY#{subscription}` to their shard's partition (put if absent, then the old one deleted). Idempotent: a second run, or a run
after one interrupted, finds only what is left. `--start` resumes from the key a run printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.dynamodb import shards
from chalicelib.adapters.dynamodb.admin_models import delivery_partition
from chalicelib.adapters.dynamodb.applications import DUE_PARTITION, root_ancestor_key
from chalicelib.adapters.dynamodb.inspections import DUE_PARTITION as DAM_DUE_PARTITION
from chalicelib.adapters.dynamodb.notifications import FAILED_NOTIFICATIONS_PARTITION
from chalicelib.adapters.dynamodb.obligations import DUTY_PARTITION
from chalicelib.adapters.dynamodb.outbox import OUTBOX_TOPICS, outbox_pending_key
from chalicelib.adapters.dynamodb.send_log import SEND_DUE_PARTITION, send_due_key, send_list_key
from chalicelib.adapters.dynamodb.users import PENDING_PARTITION
from chalicelib.services.ports import OutboxKey

IDEMPOTENCY_PARTITIONS = {"IDEMPOTENCY#notification": shards.NOTIFICATION_IDEMPOTENCY_SHARDS,
                          "IDEMPOTENCY#account-request": shards.ACCOUNT_REQUEST_IDEMPOTENCY_SHARDS}
DELIVERY_LIST_PREFIX = "SUBDELIVERY#"
WANTED = ("attribute_exists(pending_key) OR attribute_exists(due_key) OR attribute_exists(anc0) "
          "OR attribute_exists(send_list) OR pk IN (:idem_notification, :idem_account) "
          "OR begins_with(pk, :delivery_list)")


@dataclass
class Moved:
    items_read: int = 0
    keys_rewritten: dict[str, int] = field(default_factory=dict)
    idempotency_moved: int = 0
    deliveries_moved: int = 0
    last_key: dict[str, Any] | None = None


def _text(raw: dict[str, Any], name: str) -> str | None:
    value = raw.get(name)
    return value.get("S") if value else None


def _pending_target(raw: dict[str, Any], current: str) -> str | None:
    pk, sk = raw["pk"]["S"], raw["sk"]["S"]
    if current == PENDING_PARTITION:
        return shards.sharded_key(PENDING_PARTITION, pk.removeprefix("USER#"), shards.PENDING_REGISTRATION_SHARDS)
    if current == FAILED_NOTIFICATIONS_PARTITION:
        return shards.sharded_key(FAILED_NOTIFICATIONS_PARTITION, _text(raw, "notification_id") or "",
                                  shards.FAILED_NOTIFICATION_SHARDS)
    for topic, key in OUTBOX_TOPICS.items():
        if current in (key, f"{key}-FAILED"):
            return outbox_pending_key(OutboxKey(pk, sk, topic), failed=current.endswith("-FAILED"))
    if current.startswith(f"{SEND_DUE_PARTITION}#") and current.count("#") == 1:
        return send_due_key(current.removeprefix(f"{SEND_DUE_PARTITION}#"), pk)
    return None


def _due_target(raw: dict[str, Any], current: str) -> str | None:
    pk, sk = raw["pk"]["S"], raw["sk"]["S"]
    if current == DUE_PARTITION:
        return shards.sharded_key(DUE_PARTITION, pk.removeprefix("APP#"), shards.ESCALATION_SHARDS)
    if current == DUTY_PARTITION:
        return shards.sharded_key(DUTY_PARTITION, f"{pk.removeprefix('ASSET#')}#{_text(raw, 'period')}",
                                  shards.DAM_DUTY_SHARDS)
    if current == DAM_DUE_PARTITION:
        return shards.sharded_key(DAM_DUE_PARTITION, f"{pk.removeprefix('ASSET#')}#{sk}", shards.DAM_DUTY_SHARDS)
    return None


def sharded_values(raw: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The index attributes of an item still holding a bare key: attribute → (bare, sharded)."""
    found: dict[str, tuple[str, str]] = {}
    for name, target_of in (("pending_key", _pending_target), ("due_key", _due_target)):
        current = _text(raw, name)
        target = target_of(raw, current) if current else None
        if current and target and target != current:
            found[name] = (current, target)
    listed = _text(raw, "send_list")
    if listed and listed.count("#") == 2 and raw["sk"]["S"] == "S":
        _sends, target, state = listed.split("#")
        found["send_list"] = (listed, send_list_key(target, state, raw["pk"]["S"]))
    root = _text(raw, "anc0")
    if root and "#" not in root and raw["pk"]["S"].startswith("APP#") and raw["sk"]["S"] == "A":
        found["anc0"] = (root, root_ancestor_key(root, raw["pk"]["S"].removeprefix("APP#")))
    return found


def _rewrite(client: Any, table: str, raw: dict[str, Any], moves: dict[str, tuple[str, str]]) -> bool:
    names = {f"#a{n}": name for n, name in enumerate(moves)}
    values = {}
    for n, (bare, target) in enumerate(moves.values()):
        values.update({f":bare{n}": {"S": bare}, f":new{n}": {"S": target}})
    try:
        client.update_item(
            TableName=table, Key={"pk": raw["pk"], "sk": raw["sk"]},
            UpdateExpression="SET " + ", ".join(f"#a{n} = :new{n}" for n in range(len(moves))),
            ConditionExpression=" AND ".join(f"#a{n} = :bare{n}" for n in range(len(moves))),
            ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    except client.exceptions.ConditionalCheckFailedException:
        return False  # rewritten meanwhile (by a change, or another run): what it wrote stands
    return True


def _moved_partition(raw: dict[str, Any]) -> str | None:
    """The sharded partition of an item whose partition key itself is sharded, if it still
    holds the bare one."""
    partition, key = raw["pk"]["S"], raw["sk"]["S"]
    if partition in IDEMPOTENCY_PARTITIONS:
        return shards.sharded_key(partition, key, IDEMPOTENCY_PARTITIONS[partition])
    if partition.startswith(DELIVERY_LIST_PREFIX) and partition.count("#") == 1 and "send_pk" in raw:
        return delivery_partition(partition.removeprefix(DELIVERY_LIST_PREFIX), raw["send_pk"]["S"])
    return None


def _move(client: Any, table: str, raw: dict[str, Any], partition: str) -> None:
    try:
        client.put_item(TableName=table, Item={**raw, "pk": {"S": partition}},
                        ConditionExpression="attribute_not_exists(pk)")
    except client.exceptions.ConditionalCheckFailedException:
        pass  # the sharded item is there already (a delivery since the release): it is the newer
    client.delete_item(TableName=table, Key={"pk": raw["pk"], "sk": raw["sk"]})


def backfill(client: Any, table: str, page_size: int = 500, start: dict[str, Any] | None = None,
             report: Any = None) -> Moved:
    """Every item still holding a bare index key, rewritten to its sharded one."""
    moved = Moved(last_key=start)
    values = {":idem_notification": {"S": "IDEMPOTENCY#notification"},
              ":idem_account": {"S": "IDEMPOTENCY#account-request"}, ":delivery_list": {"S": DELIVERY_LIST_PREFIX}}
    while True:
        query: dict[str, Any] = {"TableName": table, "Limit": page_size, "FilterExpression": WANTED,
                                 "ExpressionAttributeValues": values, "ConsistentRead": True}
        if moved.last_key:
            query["ExclusiveStartKey"] = moved.last_key
        page = client.scan(**query)
        for raw in page.get("Items", []):
            moved.items_read += 1
            partition = _moved_partition(raw)
            if partition is not None:
                _move(client, table, raw, partition)
                if raw["pk"]["S"] in IDEMPOTENCY_PARTITIONS:
                    moved.idempotency_moved += 1
                else:
                    moved.deliveries_moved += 1
                continue
            moves = sharded_values(raw)
            if moves and _rewrite(client, table, raw, moves):
                for name in moves:
                    moved.keys_rewritten[name] = moved.keys_rewritten.get(name, 0) + 1
        moved.last_key = page.get("LastEvaluatedKey")
        if report is not None:
            report(moved)
        if not moved.last_key:
            return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", required=True, help="the Chalice stage whose table to backfill (prod)")
    parser.add_argument("--stack", default="satupintu", help="the infra stack's name (satupintu)")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--start", help="resume after this key (JSON, as a run printed it)")
    args = parser.parse_args(argv)

    import os

    from chalicelib.adapters import aws
    from chalicelib.config import ConfigurationError, get_settings, reset_settings
    from infra.bootstrap import SetupError, check_against_stack, stage_environment

    try:
        os.environ.update(stage_environment(args.stage))
        reset_settings()
        settings = get_settings()
        check_against_stack(settings, args.stack)
    except (SetupError, ConfigurationError) as error:
        print(f"backfill_shards: {error}", file=sys.stderr)
        return 2

    def report(moved: Moved) -> None:
        print(f"read {moved.items_read}, rewritten {moved.keys_rewritten}, idempotency records moved "
              f"{moved.idempotency_moved}, deliveries moved {moved.deliveries_moved}; "
              f"resume with --start '{json.dumps(moved.last_key)}'", flush=True)

    moved = backfill(aws.client(settings, "dynamodb"), settings.table_name, args.page_size,
                     json.loads(args.start) if args.start else None, report)
    print(f"done: {moved.items_read} items read, {sum(moved.keys_rewritten.values())} keys rewritten, "
          f"{moved.idempotency_moved} idempotency records moved, {moved.deliveries_moved} subscription deliveries moved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
