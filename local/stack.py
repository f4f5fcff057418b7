"""What every process of the local stack shares: its ports, its state directory and the
environment (the Chalice `local` stage's variables plus where the emulator listens)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "ap-southeast-3"  # Jakarta


@dataclass(frozen=True)
class Ports:
    api: int
    web: int
    emulator: int

    @classmethod
    def from_environment(cls) -> "Ports":
        return cls(
            api=int(os.environ.get("API_PORT", "8000")),
            web=int(os.environ.get("WEB_PORT", "8080")),
            emulator=int(os.environ.get("AWS_EMULATOR_PORT", "4566")),
        )


def state_dir() -> Path:
    return Path(os.environ.get("LOCAL_STATE_DIR", PROJECT_DIR / "local" / ".state"))


def chalice_stage_environment(stage: str = "local") -> dict[str, str]:
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(PROJECT_DIR)).create_config_obj(chalice_stage_name=stage)
    return dict(config.environment_variables)


def stack_environment(ports: Ports, state: Path) -> dict[str, str]:
    """Variables for the API, the worker and the seed: the stage's own plus the emulator's."""
    emulator = f"http://127.0.0.1:{ports.emulator}"
    env = chalice_stage_environment("local")
    env.update({
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": emulator,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "LOCAL_STATE_DIR": str(state),
        "LOCAL_MAILBOX_URL": f"{emulator}/_emulator/mail",
        "WEB_BASE_URL": f"http://127.0.0.1:{ports.web}",
        "API_PORT": str(ports.api),
        # Certificates' QR codes open the API's /verify page (no web app page for it yet).
        "VERIFY_BASE_URL": f"http://127.0.0.1:{ports.api}",
        "WEB_PORT": str(ports.web),
        "AWS_EMULATOR_PORT": str(ports.emulator),
        # ClamAV, where installed, checks uploads against the test signature shipped here.
        "CLAMAV_DATABASE": str(PROJECT_DIR / "local" / "clamav"),
    })
    if os.environ.get("EXTRA_CATALOG_DIR"):
        env["EXTRA_CATALOG_DIR"] = os.environ["EXTRA_CATALOG_DIR"]
    return env
