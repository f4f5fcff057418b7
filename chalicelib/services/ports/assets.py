"""What the dam register needs from its store (chalicelib/adapters/dynamodb/assets.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Protocol

from chalicelib.domain.assets import Dam, DamChange
from chalicelib.domain.dam_documents import DamDocument
from chalicelib.domain.inspections import Duty, Inspection
from chalicelib.domain.notifications import Notice
from chalicelib.services.ports.common import OutboxKey


class StaleAsset(Exception):
    """Someone changed the dam since it was read."""


class RegisterCodeTaken(Exception):
    """Another dam holds the register code."""


class StaleInspection(Exception):
    """The inspection, one of its duties or the dam's next inspection moved since read."""


class OfficeMissing(Exception):
    """The managing office named is not in the org tree."""


class AssetStore(Protocol):
    def get(self, asset_id: str) -> Dam | None: ...

    def create(self, dam: Dam, change: DamChange, first_obligation: Any = None, counters: Any = ()) -> None:
        """OfficeMissing, RegisterCodeTaken. A dam entered as operating comes with the first
        monitoring obligation it owes (domain/obligations.py) and that obligation's counters."""

    def update(self, before: Dam, after: Dam, change: DamChange) -> None:
        """StaleAsset when the dam is no longer at `before.version`; RegisterCodeTaken."""

    def history_page(self, asset_id: str, after: str | None, limit: int,
                     newest_first: bool = False) -> tuple[list[DamChange], str | None]:
        """Oldest (or newest) first, `limit` lines after the sort key `after`; the next page's key or None."""

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


class DamDocumentStore(Protocol):
    """A dam's technical documents (chalicelib/adapters/dynamodb/asset_documents.py)."""

    def get(self, asset_id: str, document_id: str) -> DamDocument | None: ...

    def get_many(self, asset_id: str, document_ids: Iterable[str]) -> dict[str, DamDocument]: ...

    def page(self, asset_id: str, kind: str | None, after: str | None,
             limit: int) -> tuple[list[DamDocument], str | None]: ...

    def add(self, document: DamDocument, change: DamChange) -> None:
        """StaleAsset when the dam is not there."""

    def start_scan(self, document: DamDocument) -> bool: ...

    def settle(self, document: DamDocument, change: DamChange) -> bool:
        """False when the document was settled already."""


class InspectionStore(Protocol):
    """A dam's inspections and the duties they leave (chalicelib/adapters/dynamodb/inspections.py)."""

    def get(self, asset_id: str, inspection_id: str) -> Inspection | None: ...

    def page(self, asset_id: str, after: str | None, limit: int) -> tuple[list[Inspection], str | None]: ...

    def next_duty(self, asset_id: str) -> Duty | None: ...

    def duties(self, asset_id: str, inspection_id: str, slots: list[int]) -> dict[int, Duty]: ...

    def record(self, inspection: Inspection, change: DamChange, duties: list[Duty], next_duty: Duty | None,
               next_read: Duty | None) -> None:
        """StaleAsset when the dam is not there; StaleInspection when its next inspection moved."""

    def follow_up(self, before: Inspection, after: Inspection, duties: list[Duty]) -> None:
        """StaleInspection when the inspection or a duty moved since read."""

    def due(self, before_day: str, limit: int) -> list[Duty]: ...

    def mark_told(self, duty: Duty, notice: Notice, at: datetime) -> list[OutboxKey] | None:
        """None when the duty was done or told meanwhile."""
