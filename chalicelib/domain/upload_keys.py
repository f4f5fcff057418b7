"""Where uploaded files live in the uploads bucket, one area per kind of owner: the browser posts
to `incoming/{area}{owner}/{document}` (the key chosen by the system, never the uploader's
filename; S3 tells the scan queue of everything under `incoming/`), and only the scan writes the
file it passed under `clean/{area}{owner}/{document}`, the one prefix served.

An application's documents have the bare area (`incoming/{app}/{document}`, the first layout);
the regulations library's PDFs and a dam's technical documents have their own, so the scan
function tells from a key alone whose upload it is."""

from __future__ import annotations

from dataclasses import dataclass

INCOMING, SERVED = "incoming/", "clean/"


@dataclass(frozen=True)
class UploadArea:
    area: str  # "" or a folder name ending in "/"
    owner_prefix: str  # the owner ids' prefix ("app_", "reg_", "dam_")

    def incoming_key(self, owner_id: str, document_id: str) -> str:
        return f"{INCOMING}{self.area}{owner_id}/{document_id}"

    def served_key(self, owner_id: str, document_id: str) -> str:
        return f"{SERVED}{self.area}{owner_id}/{document_id}"

    def holds(self, key: str) -> bool:
        """The key lies in this area (well formed or not: a stray there is this area's to keep away).
        Asked of the named areas; whatever lies in none of them is an application's (or a stray)."""
        return key.startswith(INCOMING + self.area)

    def parse(self, key: str) -> tuple[str, str] | None:
        """(owner id, document id) of an incoming key of this area, None for any other key."""
        prefix = INCOMING + self.area
        if not key.startswith(prefix):
            return None
        parts = key[len(prefix):].split("/")
        if len(parts) != 2 or not parts[0].startswith(self.owner_prefix) or not parts[1].startswith("doc_"):
            return None
        return parts[0], parts[1]


APPLICATIONS = UploadArea("", "app_")
LIBRARY = UploadArea("reg/", "reg_")
DAMS = UploadArea("dam/", "dam_")
