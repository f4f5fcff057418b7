"""Settings, read from the environment when first asked for, never at import.

Every stage (local, dev, prod) sets these through `.chalice/config.json`; the local stack adds
the emulator's endpoint. Nothing here guesses a default for a deployed stage: a missing
variable is an error naming it, so a misconfigured deployment fails loudly on its first call.
"""

from __future__ import annotations

import functools
import os
from datetime import timedelta, timezone

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str
    aws_region: str
    # Only set where AWS is emulated; every client (boto3 and pynamodb) takes it from here.
    aws_endpoint_url: str | None = None
    table_name: str
    app_secret_id: str = Field(description="Secrets Manager id of the key all signing keys derive from")
    jwt_issuer: str = "satupintu"
    jwt_audience: str = "satupintu-api"
    access_token_seconds: int = Field(900, gt=0, le=900)
    refresh_token_seconds: int = Field(30 * 24 * 3600, gt=0)
    mail_from: str
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
    # Tests only: a directory of extra service types loaded beside the catalog.
    extra_catalog_dir: str | None = None

    @property
    def is_local_stage(self) -> bool:
        return self.stage == "local"

    @property
    def clock_offset_file(self) -> str | None:
        return f"{self.local_state_dir}/clock" if self.local_state_dir else None

    @property
    def demo_manifest_file(self) -> str | None:
        return f"{self.local_state_dir}/demo.json" if self.local_state_dir else None

    @property
    def org_timezone(self) -> timezone:
        return timezone(timedelta(minutes=self.org_utc_offset_minutes))


_ENVIRONMENT = {
    "stage": "STAGE",
    "aws_region": "AWS_DEFAULT_REGION",
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
    "table_name": "TABLE_NAME",
    "app_secret_id": "APP_SECRET_ID",
    "jwt_issuer": "JWT_ISSUER",
    "jwt_audience": "JWT_AUDIENCE",
    "access_token_seconds": "ACCESS_TOKEN_SECONDS",
    "refresh_token_seconds": "REFRESH_TOKEN_SECONDS",
    "mail_from": "MAIL_FROM",
    "web_base_url": "WEB_BASE_URL",
    "org_name": "ORG_NAME",
    "org_utc_offset_minutes": "ORG_UTC_OFFSET_MINUTES",
    "max_body_bytes": "MAX_BODY_BYTES",
    "local_state_dir": "LOCAL_STATE_DIR",
    "local_mailbox_url": "LOCAL_MAILBOX_URL",
    "unverified_account_days": "UNVERIFIED_ACCOUNT_DAYS",
    "extra_catalog_dir": "EXTRA_CATALOG_DIR",
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
