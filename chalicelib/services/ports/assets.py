"""What the dam register needs from its store (chalicelib/adapters/dynamodb/assets.py)."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.domain.assets import Dam, DamChange


class StaleAsset(Exception):
    """Someone changed the dam since it was read."""


class RegisterCodeTaken(Exception):
    """Another dam holds the register code."""


class OfficeMissing(Exception):
    """The managing office named is not in the org tree."""


class AssetStore(Protocol):
    def get(self, asset_id: str) -> Dam | None: ...

    def create(self, dam: Dam, change: DamChange, first_obligation: Any = None, counters: Any = ()) -> None:
        """OfficeMissing, RegisterCodeTaken. A dam entered as operating comes with the first
        monitoring obligation it owes (domain/obligations.py) and that obligation's counters."""

    def update(self, before: Dam, after: Dam, change: DamChange) -> None:
        """StaleAsset when the dam is no longer at `before.version`; RegisterCodeTaken."""

    def history(self, asset_id: str) -> list[DamChange]: ...

    def page(self, *, status: str | None, province_code: str | None, node_id: str | None, q: str | None,
             after: str | None, limit: int) -> tuple[list[Dam], str | None]: ...


class StaleObligation(Exception):
    """Someone changed the obligation since it was read."""


class PeriodTaken(StaleObligation):
    """The dam has an obligation for that period already."""


class ObligationStore(Protocol):
    """A dam's monitoring obligations (domain/obligations.py; adapters/dynamodb/obligations.py)."""

    def get(self, dam_id: str, period: str) -> Any: ...

    def of_dam(self, dam_id: str) -> list[Any]:
        """The dam's obligations, oldest period first."""

    def due(self, now: Any, limit: int) -> list[Any]:
        """Obligations with a step due by `now`, earliest first."""

    def save(self, before: Any, transition: Any, opened: Any = None) -> list[Any]:
        """The transition on `before.version` (and a next period's obligation, new), its counters
        and notices, in one transaction: StaleObligation otherwise. Answers the outbox keys."""

    def open(self, obligation: Any, counters: Any) -> None:
        """A new obligation with its counters: StaleObligation when the period has one."""
