"""The shell commands docs/DEPLOY.md prints, read as an operator would copy them: each fenced
`sh` block of a section, its lines joined at their trailing backslashes, each command split into
its leading variable assignments and its words (shlex, as a POSIX shell splits them)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

DEPLOY_MD = Path(__file__).resolve().parent.parent / "docs" / "DEPLOY.md"
_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


@dataclass(frozen=True)
class Command:
    env: dict[str, str]
    argv: list[str]
    text: str


def section(title: str) -> str:
    """The text under the `## title` heading, up to the next heading of that level."""
    text = DEPLOY_MD.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found, f"docs/DEPLOY.md has no section {title!r}"
    return found.group(1)


def commands(title: str) -> list[Command]:
    """Every command of the section's ```sh blocks, in order."""
    found = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", section(title), re.M | re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            if not line.strip() or line.strip().startswith("#"):
                continue
            words = shlex.split(line, comments=True)
            env = {}
            while words and _ASSIGNMENT.match(words[0]):
                name, value = words.pop(0).split("=", 1)
                env[name] = value
            found.append(Command(env, words, line.strip()))
    return found


def command(title: str, starts_with: list[str]) -> Command:
    """The one command of the section whose words start so."""
    matching = [c for c in commands(title) if c.argv[:len(starts_with)] == starts_with]
    assert len(matching) == 1, f"{title!r}: {len(matching)} commands start with {starts_with}"
    return matching[0]


def option(cmd: Command, name: str) -> list[str]:
    """The words following `name` up to the next option (`--parameter-overrides A=1 B=2`)."""
    assert name in cmd.argv, f"{name} is not in: {cmd.text}"
    rest = cmd.argv[cmd.argv.index(name) + 1:]
    values = []
    for word in rest:
        if word.startswith("--"):
            break
        values.append(word)
    return values
