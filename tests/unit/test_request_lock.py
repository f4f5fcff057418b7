"""The emulator's lock: a call a person waits on goes before the worker's calls that waited longer."""

import threading
import time

import pytest

from local.request_lock import BACKGROUND_APP_ID, RequestLock, is_background


def wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the threads never got there"
        time.sleep(0.001)


def test_a_waiting_urgent_request_takes_the_lock_before_background_ones_that_came_first():
    lock, order = RequestLock(), []

    def request(name, urgent):
        with lock.held(urgent):
            order.append(name)

    lock.acquire(urgent=True)  # a request being served
    background = [threading.Thread(target=request, args=(f"worker {n}", False)) for n in range(3)]
    for thread in background:
        thread.start()
    wait_until(lambda: lock.waiting() == (0, 3))
    urgent = threading.Thread(target=request, args=("api", True))
    urgent.start()
    wait_until(lambda: lock.waiting() == (1, 3))
    lock.release()
    for thread in (urgent, *background):
        thread.join(5)
    assert order[0] == "api" and sorted(order[1:]) == ["worker 0", "worker 1", "worker 2"]
    assert lock.waiting() == (0, 0)


def test_the_lock_is_one_request_at_a_time_and_plain_with_and_release_work_as_the_long_poll_uses_them():
    lock, inside, most = RequestLock(), [0], [0]

    def request(urgent):
        for _ in range(200):
            with lock.held(urgent):
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                inside[0] -= 1

    threads = [threading.Thread(target=request, args=(n % 2 == 0,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1
    with lock:
        lock.release()  # the long poll gives it back while it waits…
        lock.acquire()  # …and takes it again
    with pytest.raises(RuntimeError):
        lock.release()


def test_the_worker_is_told_apart_by_its_sdks_user_agent():
    assert is_background(f"Boto3/1.44.5 md/Botocore#1.44.5 cfg/retry-mode#standard app/{BACKGROUND_APP_ID} Botocore/1.44.5")
    assert not is_background("Boto3/1.44.5 md/Botocore#1.44.5 cfg/retry-mode#standard Botocore/1.44.5")
    assert not is_background("python-requests/2.32.3")
