"""moto's S3 event notifications, written as AWS writes them for a versioned bucket.

AWS names the object's `versionId` (and a `sequencer`) in an ObjectCreated event when the bucket
keeps versions, as the uploads bucket does; moto leaves both out. The scan function reads the
exact version the event names, and without one it asks S3 which version carries the event's
ETag (`ListObjectVersions`): a call AWS would never see made, counted in every local upload.
"""

from __future__ import annotations

from typing import Any

from moto.s3 import notifications


def _with_version(get_s3_event: Any) -> Any:
    def get_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict[str, Any]:
        event = get_s3_event(event_name, bucket, key, notification_id)
        version_id = getattr(key, "version_id", None)
        if version_id and version_id != "null":
            for record in event["Records"]:
                record["s3"]["object"]["versionId"] = version_id
        return event

    get_event._with_version = True  # type: ignore[attr-defined]
    return get_event


def install() -> None:
    if not getattr(notifications._get_s3_event, "_with_version", False):
        notifications._get_s3_event = _with_version(notifications._get_s3_event)
