"""What the benchmarks share: a free loopback port for a stack of their own, and their sections
of docs/BENCHMARKS.md, each rewritten in place by the benchmark that owns it."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def replace_section(report: Path, heading: str, lines: list[str]) -> None:
    """Put the section under `heading` in place of its previous version (or at the end),
    leaving the others."""
    text = report.read_text(encoding="utf-8") if report.exists() else "# Benchmarks\n"
    start = text.find(heading)
    if start >= 0:
        following = text.find("\n## ", start + len(heading))
        text = text[:start] + text[following + 1:] if following >= 0 else text[:start]
    report.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
