"""Business metrics: CloudWatch embedded metric format (EMF) on AWS, log lines locally.

On AWS each count is one EMF line on stdout (Powertools' `single_metric`), which CloudWatch Logs
turns into a metric of the namespace `satupintu`, with the `service` and `stage` dimensions and
the event's own: written at once, so nothing waits for a flush at the end of an invocation, and
a function that dies still counted what it did. Locally the same count is a plain log line.

Powertools' metrics module loads on the first count, never at import (cold-start budget).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)
NAMESPACE = "satupintu"


class EmfMetrics:
    def __init__(self, stage: str, service: str = "satupintu") -> None:
        self._stage = stage
        self._service = service

    def count(self, name: str, value: int = 1, **dimensions: str) -> None:
        try:
            from aws_lambda_powertools.metrics import MetricUnit, single_metric

            with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
                               default_dimensions={"service": self._service, "stage": self._stage}) as metric:
                for key, dimension in dimensions.items():
                    metric.add_dimension(name=key, value=str(dimension)[:250] or "-")
        except Exception:  # a metric lost must never fail the work it counts
            logger.warning("metric not written", extra={"metric": name}, exc_info=True)


class LoggedMetrics:
    """The local stage's metrics: one log line per count (`metric`, `value` and the dimensions)."""

    def count(self, name: str, value: int = 1, **dimensions: str) -> None:
        logger.info("metric", extra={"metric": name, "value": value, **{f"dim_{k}": v for k, v in dimensions.items()}})
