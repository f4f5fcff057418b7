"""What every process of the local stack shares: its ports, its state directory and the
environment (the Chalice `local` stage's variables plus where the emulator listens)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "ap-southeast-3"  # Jakarta


def write_pid_file(path: Path, line: str) -> None:
    """Written to a temporary file and renamed: a test or a stopping `make run` that reads it
    while it is being written sees the old pid or the new one, never an empty file."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(line)
    tmp.replace(path)


@dataclass(frozen=True)
class Ports:
    api: int
    web: int
    emulator: int
    registries: int = 8070

    @classmethod
    def from_environment(cls) -> "Ports":
        return cls(
            api=int(os.environ.get("API_PORT", "8000")),
            web=int(os.environ.get("WEB_PORT", "8080")),
            emulator=int(os.environ.get("AWS_EMULATOR_PORT", "4566")),
            registries=int(os.environ.get("REGISTRY_STANDIN_PORT", "8070")),
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
        "WEB_PORT": str(ports.web),
        "AWS_EMULATOR_PORT": str(ports.emulator),
        # ClamAV, where installed, checks uploads against the test signature shipped here.
        "CLAMAV_DATABASE": str(PROJECT_DIR / "local" / "clamav"),
    })
    env.update(registry_environment(ports))
    if os.environ.get("EXTRA_CATALOG_DIR"):
        env["EXTRA_CATALOG_DIR"] = os.environ["EXTRA_CATALOG_DIR"]
    return env


STANDIN_SATKER, STANDIN_KEY = "satupintu-demo", "local-demo-key"


def uses_registry_standins() -> bool:
    """The stand-ins run unless both registries are pointed elsewhere."""
    return not (os.environ.get("BIOS_BASE_URL") and os.environ.get("CIVIL_REGISTRY_BASE_URL"))


def registry_environment(ports: Ports) -> dict[str, str]:
    """Where the registries are: what the environment says, else the local stand-ins."""
    standins = f"http://127.0.0.1:{ports.registries}"
    env = {"REGISTRY_STANDIN_PORT": str(ports.registries)}
    if os.environ.get("BIOS_BASE_URL"):
        env.update({name: os.environ[name] for name in ("BIOS_BASE_URL", "BIOS_SATKER", "BIOS_KEY") if name in os.environ})
    else:
        env.update({"BIOS_BASE_URL": f"{standins}/bios", "BIOS_SATKER": STANDIN_SATKER, "BIOS_KEY": STANDIN_KEY})
    env["CIVIL_REGISTRY_BASE_URL"] = os.environ.get("CIVIL_REGISTRY_BASE_URL") or f"{standins}/civil"
    if uses_registry_standins():
        # The demo's event subscription posts to the stand-ins' subscriber (local/registries.py).
        env["DEMO_SUBSCRIBER_URL"] = f"{standins}/hooks/demo"
    return env
