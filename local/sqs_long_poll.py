"""SQS long polls on the emulator that wait without holding it.

The emulator answers one request at a time (local/emulator.py's lock). moto's ReceiveMessage
with WaitTimeSeconds waits inside the request, for up to twenty seconds, until a message is
there: under the lock, one long poll would stop every other call for as long. Here the wait
(moto's `Queue.wait_for_messages`, a wait on the queue's condition that SendMessage notifies)
releases the emulator's lock and takes it again before moto looks at the queue, so the receive
itself still runs alone, exactly as moto wrote it.

A long poll whose client went away (a worker stopped or restarted) stops waiting instead of
taking the next message for nobody, which would hide it for the queue's visibility timeout.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from moto.sqs.models import Queue

# The emulator's lock on this thread while it serves a request, and how to learn whether the
# request's client is still there (waitress's `waitress.client_disconnected`).
_serving = threading.local()


class ClientGone(Exception):
    """The long poll's client closed its connection: nobody is left to hand a message to."""


@contextmanager
def serving(lock: Any, client_gone: Callable[[], bool] | None) -> Iterator[None]:
    """Around a request served under `lock` (held by the caller): long polls inside it wait
    with the lock released."""
    _serving.lock, _serving.client_gone = lock, client_gone
    try:
        yield
    finally:
        _serving.lock = _serving.client_gone = None


def _gone() -> bool:
    client_gone = getattr(_serving, "client_gone", None)
    return bool(client_gone and client_gone())


def _waiting_outside_the_lock(original: Callable[[Queue, int], None]) -> Callable[[Queue, int], None]:
    def wait_for_messages(self: Queue, timeout: int) -> None:
        lock = getattr(_serving, "lock", None)
        if lock is None:  # moto used without the emulator
            original(self, timeout)
            return
        if _gone():
            raise ClientGone()
        lock.release()
        try:
            original(self, timeout)
        finally:
            lock.acquire()
        if _gone():
            raise ClientGone()

    wait_for_messages._outside_the_lock = True  # type: ignore[attr-defined]
    return wait_for_messages


def install() -> None:
    if not getattr(Queue.wait_for_messages, "_outside_the_lock", False):
        Queue.wait_for_messages = _waiting_outside_the_lock(Queue.wait_for_messages)  # type: ignore[method-assign]
