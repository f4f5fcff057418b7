"""The emulator's one-request-at-a-time lock, with the requests a person waits on served first.

On AWS the queue functions' calls do not slow the API's: DynamoDB, S3 and SQS serve every caller
at once. The emulator serves one call at a time (local/emulator.py), so under load an API call
would queue behind a burst of the worker's (a fan-out, the stream's aggregation) and a person
would wait for work that is not theirs. Here a waiting call of the API or the browser takes the
lock before a waiting call of the worker; the worker's calls wait longer instead, which a queue
function, unlike a person, can.

The worker names itself in its SDK's user agent (AWS_SDK_UA_APP_ID, set by local/worker.py).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

# The worker's application id in its calls' User-Agent (botocore adds "app/<id>").
BACKGROUND_APP_ID = "satupintu-worker"


def is_background(user_agent: str) -> bool:
    return f"app/{BACKGROUND_APP_ID}" in user_agent


class RequestLock:
    """Held by one request at a time. Waiting urgent requests go before waiting background
    ones; among each kind, whoever the scheduler wakes. `with lock:` and acquire()/release()
    take it as background (the long poll gives it back and takes it again that way)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._urgent = threading.Condition(self._mutex)
        self._background = threading.Condition(self._mutex)
        self._held = False
        self._urgent_waiting = 0
        self._background_waiting = 0

    def acquire(self, urgent: bool = False) -> bool:
        with self._mutex:
            if urgent:
                self._urgent_waiting += 1
                try:
                    while self._held:
                        self._urgent.wait()
                finally:
                    self._urgent_waiting -= 1
            else:
                self._background_waiting += 1
                try:
                    while self._held or self._urgent_waiting:
                        self._background.wait()
                finally:
                    self._background_waiting -= 1
            self._held = True
        return True

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of a request lock not held")
            self._held = False
            if self._urgent_waiting:
                self._urgent.notify()
            else:
                self._background.notify()

    def waiting(self) -> tuple[int, int]:
        """How many urgent and background requests wait for the lock."""
        with self._mutex:
            return self._urgent_waiting, self._background_waiting

    @contextmanager
    def held(self, urgent: bool) -> Iterator[None]:
        self.acquire(urgent)
        try:
            yield
        finally:
            self.release()

    def __enter__(self) -> "RequestLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
