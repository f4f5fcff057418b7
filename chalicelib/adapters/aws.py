"""boto3 clients, built on first use from settings (the endpoint is set only where AWS is
emulated), and shared by the adapters of one process."""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.config import Settings


@functools.cache
def session(region: str):
    """One boto3 session per region for the process: clients share its credentials and the
    service models it read once."""
    import boto3

    return boto3.session.Session(region_name=region)


def client(settings: Settings, service: str) -> Any:
    return _cached_client(service, settings.aws_region, settings.aws_endpoint_url)


@functools.cache
def _cached_client(service: str, region: str, endpoint_url: str | None) -> Any:
    from botocore.config import Config

    config = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
    return session(region).client(service, endpoint_url=endpoint_url, config=config)


def reset_clients() -> None:
    """Clients are built again (their endpoint may have changed); the sessions stay, and with
    them the service models and endpoint rules botocore read from disk (megabytes of JSON, read
    once per session: a new session per reset made every test pay it again)."""
    _cached_client.cache_clear()
