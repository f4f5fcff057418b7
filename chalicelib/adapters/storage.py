"""Uploaded files in S3: presigned POSTs that pin key, type and size; reading exactly the
version an event announced; writing what passed to the served prefix; quarantine; presigned
downloads with a safe filename."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalicelib.config import Settings
from chalicelib.services.ports import ObjectGone, ObjectTooLarge

# What S3 answers for a key or version that is not there (any more), or an ETag that no longer matches.
_GONE = ("404", "NoSuchKey", "NoSuchVersion", "412", "PreconditionFailed")


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    version_id: str | None
    etag: str
    size: int


class S3Storage:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @functools.cached_property
    def _s3(self) -> Any:
        from botocore.config import Config

        from chalicelib.adapters.aws import session

        # Path-style where an endpoint is configured (the emulator answers on an IP). On AWS,
        # virtual-hosted on the region's own endpoint (<bucket>.s3.<region>.amazonaws.com):
        # "auto" presigns for the global s3.amazonaws.com, which regions opened after March
        # 2019 (ap-southeast-3 among them) refuse, and browsers post uploads and fetch
        # downloads at exactly the presigned host (the web app's CSP names it: infra/web_policy.py).
        # us-east-1 too ("regional"), so every region's host has that one shape.
        addressing = "path" if self._settings.aws_endpoint_url else "virtual"
        s3 = {"addressing_style": addressing, "us_east_1_regional_endpoint": "regional"}
        return session(self._settings.aws_region).client(
            "s3", region_name=self._settings.aws_region, endpoint_url=self._settings.aws_endpoint_url,
            config=Config(signature_version="s3v4", s3=s3, retries={"mode": "standard", "max_attempts": 3}),
        )

    def presign_upload(self, key: str, content_type: str, size: int) -> dict[str, Any]:
        post = self._s3.generate_presigned_post(
            Bucket=self._settings.uploads_bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"key": key}, {"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=self._settings.upload_url_seconds,
        )
        return {"url": post["url"], "fields": post["fields"]}

    def locate(self, key: str, etag: str, version_id: str | None) -> str:
        """The version of exactly the object an event announced: the event's own version (S3's
        events name it; whether it is still there, each later call finds out), or, where the
        event names none (the emulator's events), the newest version with its ETag, ObjectGone
        when there is none. Never "whatever is current": a key may hold several uploads at once
        (one presigned POST used twice), each with its own event."""
        if version_id:
            return version_id
        wanted = etag.strip('"')
        pages = self._s3.get_paginator("list_object_versions").paginate(Bucket=self._settings.uploads_bucket, Prefix=key)
        for page in pages:
            for entry in page.get("Versions", []):
                if entry["Key"] == key and entry["ETag"].strip('"') == wanted:
                    return entry["VersionId"]
        raise ObjectGone(key)

    def read(self, key: str, etag: str, version_id: str | None, max_bytes: int) -> StoredObject:
        """The bytes of exactly the announced object (its version, or else its ETag), refusing
        to download more than `max_bytes`: one GET, its size judged from the answer's headers
        before a byte of the body is read (no HEAD first)."""
        from botocore.exceptions import ClientError

        selector: dict[str, Any] = {"VersionId": version_id} if version_id else {"IfMatch": f'"{etag.strip(chr(34))}"'}
        try:
            answer = self._s3.get_object(Bucket=self._settings.uploads_bucket, Key=key, **selector)
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                raise ObjectGone(key) from None
            raise
        if answer["ContentLength"] > max_bytes:
            answer["Body"].close()
            raise ObjectTooLarge(answer["ContentLength"])
        data = answer["Body"].read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ObjectTooLarge(len(data))
        return StoredObject(data, answer.get("VersionId"), answer["ETag"].strip('"'), len(data))

    def write_served(self, key: str, data: bytes, content_type: str) -> str | None:
        answer = self._s3.put_object(Bucket=self._settings.uploads_bucket, Key=key, Body=data, ContentType=content_type)
        return answer.get("VersionId")

    def read_served(self, key: str, version_id: str | None, max_bytes: int) -> bytes:
        """A file the system wrote (a clean upload, a PDF), refusing more than `max_bytes`."""
        args: dict[str, Any] = {"Bucket": self._settings.uploads_bucket, "Key": key}
        if version_id:
            args["VersionId"] = version_id
        answer = self._s3.get_object(**args)
        if answer["ContentLength"] > max_bytes:
            raise ObjectTooLarge(answer["ContentLength"])
        return answer["Body"].read()

    def quarantine(self, source_key: str, version_id: str | None, target_key: str) -> None:
        """A copy kept in the quarantine bucket; ObjectGone when the version is not there any more."""
        from botocore.exceptions import ClientError

        source = {"Bucket": self._settings.uploads_bucket, "Key": source_key}
        if version_id:
            source["VersionId"] = version_id
        try:
            # Without the upload's tags (GuardDuty's verdict means nothing there, and copying
            # them would need tagging rights on both buckets).
            self._s3.copy_object(Bucket=self._settings.quarantine_bucket, Key=target_key, CopySource=source,
                                 TaggingDirective="REPLACE")
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                raise ObjectGone(source_key) from None
            raise

    def quarantine_bytes(self, target_key: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self._settings.quarantine_bucket, Key=target_key, Body=data)

    def remove(self, key: str, version_id: str | None = None) -> None:
        """Remove one version for good (a versioned bucket would otherwise only hide it)."""
        args: dict[str, Any] = {"Bucket": self._settings.uploads_bucket, "Key": key}
        if version_id:
            args["VersionId"] = version_id
        self._s3.delete_object(**args)

    def remove_all_versions(self, key: str) -> None:
        listing = self._s3.list_object_versions(Bucket=self._settings.uploads_bucket, Prefix=key)
        for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
            if entry["Key"] == key:
                self.remove(key, entry["VersionId"])

    def presign_download(self, key: str, version_id: str | None, filename: str, content_type: str) -> str:
        params: dict[str, Any] = {
            "Bucket": self._settings.uploads_bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": content_disposition(filename),
        }
        if version_id:
            params["VersionId"] = version_id
        return self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=self._settings.download_url_seconds)


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name, so any browser saves it under a safe name."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
