"""The scheduled functions' last runs: one item per function (pk SCHEDULE#{name}, sk RUN),
overwritten by each run; read together with one BatchGetItem (docs/DATA.md)."""

from __future__ import annotations

from typing import Any, Iterable

from chalicelib.adapters.dynamodb.ops_models import ScheduleRunItem
from chalicelib.adapters.dynamodb.table import batch_get_raw
from chalicelib.domain.operations import FAILED, OK, ScheduleRun

SORT_KEY = "RUN"


def schedule_pk(name: str) -> str:
    return f"SCHEDULE#{name}"


class DynamoScheduleRunStore:
    def record(self, name: str, run: ScheduleRun) -> None:
        """One UpdateItem: the run's times and outcome replace the last run's; the last good
        run's time stays when this one failed; the counts add up."""
        item = ScheduleRunItem
        actions = [item.started_at.set(run.started_at), item.finished_at.set(run.finished_at),
                   item.outcome.set(run.outcome), item.runs.add(1)]
        if run.outcome == OK:
            actions += [item.last_ok_at.set(run.finished_at), item.error.remove()]
        else:
            actions += [item.error.set(run.error or ""), item.failures.add(1)]
        ScheduleRunItem._get_connection().update_item(schedule_pk(name), SORT_KEY, actions=actions)

    def last_runs(self, names: Iterable[str]) -> dict[str, ScheduleRun]:
        found = batch_get_raw((schedule_pk(name), SORT_KEY) for name in names)
        return {pk.removeprefix("SCHEDULE#"): _run_from_raw(raw) for (pk, _sk), raw in found.items()}


def _run_from_raw(raw: dict[str, Any]) -> ScheduleRun:
    item = ScheduleRunItem.from_raw_data(raw)
    return ScheduleRun(started_at=item.started_at, finished_at=item.finished_at, outcome=item.outcome or FAILED,
                       error=item.error, last_ok_at=item.last_ok_at, runs=int(item.runs or 0),
                       failures=int(item.failures or 0))
