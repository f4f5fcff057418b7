"""Known-malware check with ClamAV's clamscan, where it is installed: the local stack's engine
(AWS stages use GuardDuty, adapters/guardduty.py; ANTIVIRUS_ENGINE chooses).

clamscan answers 0 (clean), 1 (found) or 2 (could not scan, e.g. no signatures). Where it is not
installed the verdict is "skipped", recorded on the document, never passed off as "clean" — and
only on the local stage: anywhere else (or with ANTIVIRUS_REQUIRED) the scan fails instead, SQS
tries again, and a file that never got a verdict is "could not be scanned".
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from chalicelib.config import Settings


@dataclass(frozen=True)
class AntivirusVerdict:
    status: str  # "clean", "infected", "skipped", "unscannable" or "pending"
    detail: str = ""


class AntivirusUnavailable(Exception):
    pass


class ClamAv:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _program(self) -> str | None:
        return self._settings.clamscan_path or shutil.which("clamscan")

    def scan(self, data: bytes, key: str = "", version_id: str = "") -> AntivirusVerdict:
        program = self._program()
        if program is None:
            if self._settings.verdict_required:
                raise AntivirusUnavailable("clamscan is required on this stage but is not installed")
            return AntivirusVerdict("skipped", "ClamAV is not installed here")
        # --scan-image=no: ClamAV's image parser costs seconds on a large photo, and photos are never
        # served as uploaded: the scan re-encodes them from their pixels. PDFs (served as they
        # are) keep ClamAV's full PDF scanning.
        command = [program, "--no-summary", "--stdout", "--scan-image=no"]
        if self._settings.clamav_database:
            command += ["-d", self._settings.clamav_database]
        command.append("-")
        try:
            result = subprocess.run(command, input=data, capture_output=True, timeout=50, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AntivirusUnavailable(f"clamscan did not run: {error}") from None
        if result.returncode == 0:
            return AntivirusVerdict("clean")
        if result.returncode == 1:
            found = result.stdout.decode(errors="replace").strip().removeprefix("stdin:").removesuffix("FOUND").strip()
            return AntivirusVerdict("infected", found or "malware")
        message = (result.stderr or result.stdout).decode(errors="replace").strip().splitlines()
        if self._settings.verdict_required:
            raise AntivirusUnavailable(f"clamscan failed: {message[-1] if message else result.returncode}")
        return AntivirusVerdict("skipped", f"ClamAV could not scan ({message[-1] if message else 'no detail'})")
