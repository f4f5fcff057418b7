"""What the dam register needs from its store (chalicelib/adapters/dynamodb/assets.py)."""

from __future__ import annotations

from typing import Iterable, Protocol

from chalicelib.domain.assets import Dam, DamChange
from chalicelib.domain.dam_documents import DamDocument


class StaleAsset(Exception):
    """Someone changed the dam since it was read."""


class RegisterCodeTaken(Exception):
    """Another dam holds the register code."""


class OfficeMissing(Exception):
    """The managing office named is not in the org tree."""


class AssetStore(Protocol):
    def get(self, asset_id: str) -> Dam | None: ...

    def create(self, dam: Dam, change: DamChange) -> None:
        """OfficeMissing, RegisterCodeTaken."""

    def update(self, before: Dam, after: Dam, change: DamChange) -> None:
        """StaleAsset when the dam is no longer at `before.version`; RegisterCodeTaken."""

    def history(self, asset_id: str) -> list[DamChange]: ...

    def page(self, *, status: str | None, province_code: str | None, node_id: str | None, q: str | None,
             after: str | None, limit: int) -> tuple[list[Dam], str | None]: ...


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
