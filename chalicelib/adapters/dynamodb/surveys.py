"""Satisfaction surveys: one per application, put with the counters and the finance registry's
IKM record it moves, in one transaction (keys: docs/DATA.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.counters import move_counters
from chalicelib.adapters.dynamodb.send_log import add_to_send_log
from chalicelib.adapters.dynamodb.table import committed_unless
from chalicelib.domain.application_state import CounterMove
from chalicelib.domain.integrations import IntegrationRecord


class DynamoSurveyStore:
    def add(self, app_id: str, service_id: str, period: str, scores: dict[str, int], at: datetime,
            counters: Iterable[CounterMove], records: Iterable[IntegrationRecord]) -> bool:
        """The answers, the counters and the IKM record, or nothing: False when the application's
        survey was answered before."""
        counters, records = list(counters), list(records)

        def build(tx) -> None:
            tx.put("survey", m.SurveyItem(f"APP#{app_id}", "SURVEY", service_id=service_id, period=period,
                                          scores=scores, answered_at=at),
                   condition=m.SurveyItem.pk.does_not_exist())
            move_counters(tx, counters)
            add_to_send_log(tx, records, at)

        return committed_unless(build, "survey")

    def get(self, app_id: str) -> dict[str, int] | None:
        try:
            return dict(m.SurveyItem.get(f"APP#{app_id}", "SURVEY", consistent_read=True).scores)
        except DoesNotExist:
            return None
