"""Settings, read from the environment when first asked for, never at import.

Every stage (local, dev, prod) sets these through `.chalice/config.json`; the local stack adds
the emulator's endpoint. Nothing here guesses a default for a deployed stage: a missing
variable is an error naming it, so a misconfigured deployment fails loudly on its first call.
"""

from __future__ import annotations

import functools
import os
from datetime import timedelta, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str
    aws_region: str
    # Only set where AWS is emulated; every client (boto3 and pynamodb) takes it from here.
    aws_endpoint_url: str | None = None
    table_name: str
    dynamodb_read_timeout_seconds: float = 5
    app_secret_id: str = Field(description="Secrets Manager id of the key all signing keys derive from")
    jwt_issuer: str = "satupintu"
    jwt_audience: str = "satupintu-api"
    access_token_seconds: int = Field(900, gt=0, le=900)
    refresh_token_seconds: int = Field(30 * 24 * 3600, gt=0)
    mail_from: str
    # The SES configuration set mail is sent with (infra/template.yaml): its bounces and
    # complaints come back through the mail-events queue. Unset locally.
    ses_configuration_set: str | None = None
    web_base_url: str
    org_name: str = "satupintu"
    org_utc_offset_minutes: int = 7 * 60
    max_body_bytes: int = 64 * 1024
    # Local stage only: where the local stack keeps what its processes share (the clock's
    # offset, the demo accounts), so that /_local/clock moves the API and the worker together.
    local_state_dir: str | None = None
    # Local stage only: where the emulator exposes the e-mail it captured.
    local_mailbox_url: str | None = None
    unverified_account_days: int = 7
    # Uploads: where files land (incoming/) and are served from (clean/), and where what fails
    # a scan is kept, never served.
    uploads_bucket: str
    quarantine_bucket: str
    upload_url_seconds: int = Field(900, gt=0, le=900)
    download_url_seconds: int = Field(300, gt=0, le=3600)
    documents_per_application: int = 40
    uploads_per_user_per_day: int = 200
    max_image_pixels: int = 40_000_000
    # Keep an image's original (with its metadata) in quarantine beside the cleaned copy.
    keep_image_originals: bool = False
    # The known-malware engine: "clamav" (the local stack) or "guardduty" (GuardDuty Malware
    # Protection for S3 tags each upload; the AWS stages). docs/DEPLOY.md, "Malware scanning".
    antivirus_engine: Literal["clamav", "guardduty"] = "clamav"
    # ClamAV: the clamscan program (found on PATH when not set) and its signature directory or
    # file; with `antivirus_required` (always, off the local stage) a file is never passed
    # without a ClamAV verdict.
    clamscan_path: str | None = None
    clamav_database: str | None = None
    antivirus_required: bool = False
    # An engine that scans on its own time (GuardDuty): the scan looks for its verdict this many
    # times, waiting base, 2·base, 4·base… seconds (capped at 5 minutes) between tries; then the
    # file "could not be scanned". At most the scan queue's maxReceiveCount (infra/template.yaml).
    malware_verdict_tries: int = Field(8, ge=1)
    malware_verdict_retry_base_seconds: int = Field(15, ge=0)
    # Notifications: the queue's maxReceiveCount (infra/template.yaml), so the last attempt
    # knows it is the last; and the first retry's delay, doubled on each further one.
    notification_max_receives: int = Field(5, ge=1)
    notification_retry_base_seconds: int = Field(30, ge=0)
    # Where a certificate's QR code points (…/verify/{code}): the public API, which answers a
    # browser with a page. Unset: the web app's address.
    verify_base_url: str | None = None
    # The render queue's maxReceiveCount (infra/template.yaml): the last attempt marks a PDF failed.
    render_max_receives: int = Field(5, ge=1)
    # External registries (SPEC.md). Unset base URL: that registry is not configured, and what it
    # is owed waits in the send log. The finance registry's key is given as is, or (on AWS) as
    # the id of a Secrets Manager secret holding it.
    bios_base_url: str | None = None
    bios_satker: str | None = None
    bios_key: str | None = None
    bios_key_secret_id: str | None = None
    # PII: the KMS key NIKs' data keys are made under, and the secret their lookup HMAC key derives from.
    pii_key_id: str = Field(description="KMS key id, ARN or alias/… of the PII master key")
    pii_lookup_secret_id: str = Field(description="Secrets Manager id of the NIK lookup key (never rotated)")
    webhook_timeout_seconds: float = Field(5, gt=0, le=30)
    # Marketing-fee category → the account code (kd_akun) its spending is reported under, as JSON.
    bios_account_codes: str = (
        '{"ACQUISITION": "525112", "OUTLET": "525113", "SF": "525115", "CB PROGRAM": "525119", '
        '"REGION CVM & SO": "525121"}'
    )
    civil_registry_base_url: str | None = None
    registry_timeout_seconds: float = Field(10, gt=0, le=60)
    nik_check_timeout_seconds: float = Field(2, gt=0, le=10)
    # Within a run, a retry waits this long, doubling, up to the cap (jittered).
    registry_retry_base_seconds: float = Field(1, ge=0)
    registry_retry_cap_seconds: float = Field(8, ge=0)
    # Tests only: a directory of extra service types loaded beside the catalog.
    extra_catalog_dir: str | None = None
    # Tests only: "test" hashes passwords with argon2id at its least cost (adapters/passwords.py).
    # Honoured on the local stage only; read it through `password_hashing`.
    password_hash_cost: Literal["owasp", "test"] = "owasp"

    @property
    def is_local_stage(self) -> bool:
        return self.stage == "local"

    @property
    def verdict_required(self) -> bool:
        """A file is served only with the malware engine's verdict: on every stage but the local
        one, whatever ANTIVIRUS_REQUIRED says."""
        return self.antivirus_required or not self.is_local_stage

    @property
    def clock_offset_file(self) -> str | None:
        return f"{self.local_state_dir}/clock" if self.local_state_dir else None

    @property
    def demo_manifest_file(self) -> str | None:
        return f"{self.local_state_dir}/demo.json" if self.local_state_dir else None

    @field_validator("bios_account_codes")
    @classmethod
    def _codes_are_a_map(cls, value: str) -> str:
        import json

        try:
            codes = json.loads(value)
        except ValueError:
            raise ValueError("BIOS_ACCOUNT_CODES is not JSON") from None
        if not isinstance(codes, dict) or not all(isinstance(v, str) and v for v in codes.values()):
            raise ValueError('BIOS_ACCOUNT_CODES must map categories to codes: {"CATEGORY": "525112"}')
        return value

    @property
    def password_hashing(self) -> str:
        """The argon2id cost passwords are hashed at: OWASP's on every deployed stage, whatever
        the environment says."""
        return self.password_hash_cost if self.is_local_stage else "owasp"

    @property
    def account_codes(self) -> dict[str, str]:
        import json

        return json.loads(self.bios_account_codes)

    @property
    def org_timezone(self) -> timezone:
        return timezone(timedelta(minutes=self.org_utc_offset_minutes))


_ENVIRONMENT = {
    "stage": "STAGE",
    "aws_region": "AWS_DEFAULT_REGION",
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
    "table_name": "TABLE_NAME",
    "dynamodb_read_timeout_seconds": "DYNAMODB_READ_TIMEOUT_SECONDS",
    "app_secret_id": "APP_SECRET_ID",
    "jwt_issuer": "JWT_ISSUER",
    "jwt_audience": "JWT_AUDIENCE",
    "access_token_seconds": "ACCESS_TOKEN_SECONDS",
    "refresh_token_seconds": "REFRESH_TOKEN_SECONDS",
    "mail_from": "MAIL_FROM",
    "ses_configuration_set": "SES_CONFIGURATION_SET",
    "web_base_url": "WEB_BASE_URL",
    "org_name": "ORG_NAME",
    "org_utc_offset_minutes": "ORG_UTC_OFFSET_MINUTES",
    "max_body_bytes": "MAX_BODY_BYTES",
    "local_state_dir": "LOCAL_STATE_DIR",
    "local_mailbox_url": "LOCAL_MAILBOX_URL",
    "unverified_account_days": "UNVERIFIED_ACCOUNT_DAYS",
    "extra_catalog_dir": "EXTRA_CATALOG_DIR",
    "uploads_bucket": "UPLOADS_BUCKET",
    "quarantine_bucket": "QUARANTINE_BUCKET",
    "upload_url_seconds": "UPLOAD_URL_SECONDS",
    "download_url_seconds": "DOWNLOAD_URL_SECONDS",
    "documents_per_application": "DOCUMENTS_PER_APPLICATION",
    "uploads_per_user_per_day": "UPLOADS_PER_USER_PER_DAY",
    "max_image_pixels": "MAX_IMAGE_PIXELS",
    "keep_image_originals": "KEEP_IMAGE_ORIGINALS",
    "clamscan_path": "CLAMSCAN_PATH",
    "clamav_database": "CLAMAV_DATABASE",
    "antivirus_required": "ANTIVIRUS_REQUIRED",
    "antivirus_engine": "ANTIVIRUS_ENGINE",
    "malware_verdict_tries": "MALWARE_VERDICT_TRIES",
    "malware_verdict_retry_base_seconds": "MALWARE_VERDICT_RETRY_BASE_SECONDS",
    "notification_max_receives": "NOTIFICATION_MAX_RECEIVES",
    "notification_retry_base_seconds": "NOTIFICATION_RETRY_BASE_SECONDS",
    "verify_base_url": "VERIFY_BASE_URL",
    "render_max_receives": "RENDER_MAX_RECEIVES",
    "bios_base_url": "BIOS_BASE_URL",
    "bios_satker": "BIOS_SATKER",
    "bios_key": "BIOS_KEY",
    "bios_key_secret_id": "BIOS_KEY_SECRET_ID",
    "pii_key_id": "PII_KEY_ID",
    "pii_lookup_secret_id": "PII_LOOKUP_SECRET_ID",
    "webhook_timeout_seconds": "WEBHOOK_TIMEOUT_SECONDS",
    "bios_account_codes": "BIOS_ACCOUNT_CODES",
    "civil_registry_base_url": "CIVIL_REGISTRY_BASE_URL",
    "registry_timeout_seconds": "REGISTRY_TIMEOUT_SECONDS",
    "nik_check_timeout_seconds": "NIK_CHECK_TIMEOUT_SECONDS",
    "registry_retry_base_seconds": "REGISTRY_RETRY_BASE_SECONDS",
    "registry_retry_cap_seconds": "REGISTRY_RETRY_CAP_SECONDS",
    "password_hash_cost": "PASSWORD_HASH_COST",
}


class ConfigurationError(RuntimeError):
    pass


@functools.cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in _ENVIRONMENT.items() if os.environ.get(var)}
    missing = [
        _ENVIRONMENT[name]
        for name, field in Settings.model_fields.items()
        if field.is_required() and name not in values
    ]
    if missing:
        raise ConfigurationError("missing configuration: " + ", ".join(sorted(missing)))
    return Settings.model_validate(values)


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
