"""Known-malware verdicts from GuardDuty Malware Protection for S3, the engine of the AWS stages.

GuardDuty scans each object created under the uploads bucket's incoming/ prefix on its own
(infra/template.yaml, the malware protection plan) and, with tagging on, tags the object version
it scanned with `GuardDutyMalwareScanStatus`. The scan function reads that tag on the exact
version it read; until it is there the verdict is "pending" and the scan tries again later
(services/documents.py). Only NO_THREATS_FOUND is clean. THREATS_FOUND is malware. UNSUPPORTED
(GuardDuty cannot scan a file like this one, e.g. an archive past its limits), ACCESS_DENIED and
FAILED mean no verdict: "could not be scanned", never clean. Any other value is taken the same
way, so a status AWS adds later can only refuse a file, never pass one.

Nobody else can write the tag: the presigned POST allows no form field but the key and the
content type (a `tagging` field is refused by S3), and no function's policy grants tagging.
"""

from __future__ import annotations

from chalicelib.adapters import aws
from chalicelib.adapters.antivirus import AntivirusVerdict
from chalicelib.config import Settings
from chalicelib.services.ports import ObjectGone

SCAN_STATUS_TAG = "GuardDutyMalwareScanStatus"
ENGINE = "GuardDuty Malware Protection"
_GONE = ("404", "NoSuchKey", "NoSuchVersion")


def verdict_of(status: str | None) -> AntivirusVerdict:
    """The verdict one value of the tag stands for (None: no tag yet)."""
    if status is None:
        return AntivirusVerdict("pending", f"{ENGINE} has not tagged the file yet")
    if status == "NO_THREATS_FOUND":
        return AntivirusVerdict("clean", ENGINE)
    if status == "THREATS_FOUND":
        return AntivirusVerdict("infected", f"{ENGINE}: THREATS_FOUND")
    return AntivirusVerdict("unscannable", f"{ENGINE}: {status[:40]}")


class GuardDutyTags:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def scan(self, data: bytes, key: str, version_id: str) -> AntivirusVerdict:
        from botocore.exceptions import ClientError

        s3 = aws.client(self._settings, "s3")
        try:
            tags = s3.get_object_tagging(Bucket=self._settings.uploads_bucket, Key=key, VersionId=version_id)["TagSet"]
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                raise ObjectGone(key) from None
            raise
        return verdict_of(next((tag["Value"] for tag in tags if tag["Key"] == SCAN_STATUS_TAG), None))
