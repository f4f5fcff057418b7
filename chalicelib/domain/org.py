"""The org tree: offices (nodes) from the root down, each knowing its path to the root."""

from __future__ import annotations

from dataclasses import dataclass

# The deepest org tree the indexes serve: one index per level lists a subtree in one query
# (see docs/DATA.md). Root is depth 0.
MAX_TREE_DEPTH = 5


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    name: str
    parent_id: str | None
    # Ids and kinds from the root down to this node, itself included: reach and "the nearest
    # kecamatan above" are answered from the node alone, without walking the tree.
    path: tuple[str, ...]
    path_kinds: tuple[str, ...]
    region_code: str | None = None

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    def nearest(self, kind: str) -> str | None:
        """Id of the closest node of `kind` on the way up from here, this node included."""
        for node_id, node_kind in zip(reversed(self.path), reversed(self.path_kinds), strict=True):
            if node_kind == kind:
                return node_id
        return None
