"""Budgets: one item per office and month, written with the budgets above it whose roll-ups
(`allocated`, `below`) moved, each on the version that was read. Keys: docs/DATA.md."""

from __future__ import annotations

from typing import Any, Iterable

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import TransactionCancelled, Writes, batch_get_raw, run_transaction
from chalicelib.domain.budgets import Budget, BudgetWrite
from chalicelib.services.ports import StaleBudget


def _budget_from_raw(raw: dict[str, Any]) -> Budget:
    item = m.BudgetItem.from_raw_data(raw)
    return Budget(
        node_id=item.node_id, period=item.period, amount=int(item.amount) if item.amount is not None else None,
        categories={k: int(v) for k, v in (item.categories or {}).items()}, allocated=int(item.allocated or 0),
        version=int(item.version), updated_at=item.updated_at, updated_by=item.updated_by,
        recommended_at=item.recommended_at, recommended_by=item.recommended_by,
        below={k: int(v) for k, v in (item.below or {}).items()},
    )


def _budget_item(b: Budget) -> m.BudgetItem:
    return m.BudgetItem(
        f"BUDGET#{b.node_id}", b.period, node_id=b.node_id, period=b.period, amount=b.amount,
        categories=b.categories or None, allocated=b.allocated, version=b.version, updated_at=b.updated_at,
        updated_by=b.updated_by, recommended_at=b.recommended_at, recommended_by=b.recommended_by,
        below=b.below or None,
    )


def _written_on(model: Any, expected_version: int) -> Any:
    return model.pk.does_not_exist() if expected_version == 0 else model.version == expected_version


class DynamoBudgetStore:
    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Budget]:
        """Budgets by (office, month); one never written is left out."""
        found = batch_get_raw([(f"BUDGET#{node_id}", period) for node_id, period in keys])
        return {(pk.removeprefix("BUDGET#"), sk): _budget_from_raw(raw) for (pk, sk), raw in found.items()}

    def get(self, node_id: str, period: str) -> Budget:
        return self.get_many([(node_id, period)]).get((node_id, period)) or Budget(node_id, period)

    def write(self, change: BudgetWrite) -> None:
        """The budget, and the budgets above whose roll-ups moved, each on the version read."""
        try:
            run_transaction(lambda tx: put_budgets(tx, change))
        except TransactionCancelled as cancelled:
            if cancelled.failed & {"budget", "budget above"}:
                raise StaleBudget(change.budget.node_id) from None
            raise


def put_budgets(tx: Writes, change: BudgetWrite) -> None:
    """Inside a transaction (a budget's own, or the approval of a budget request): every budget
    the change moves, each conditioned on the version read."""
    for index, (budget, expected_version) in enumerate(change.items):
        tx.put("budget" if index == 0 else "budget above", _budget_item(budget),
               condition=_written_on(m.BudgetItem, expected_version))
