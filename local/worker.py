"""Lambda's part for the queue- and schedule-triggered functions, on the local stack.

* Each @app.on_sqs_message function gets its queue long-polled by several pollers at once, as
  Lambda's are, and is called with Lambda's SQS event for a batch of its batch size. As on AWS (Chalice never sets ReportBatchItemFailures), a batch
  whose function returns is deleted whole; one whose function raises is left to reappear after
  the queue's visibility timeout, and the emulator moves a message to the dead-letter queue
  once it has been received maxReceiveCount times.
* Each @app.schedule function fires on its expression by the system's clock, which the local
  stage can move forward (/_local/clock): a jump past a firing fires it once, as time passing
  would.

Run: python -m local.worker   (the environment comes from local/run.py)
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import boto3

from chalicelib import local_runtime
from local import request_lock
from local.schedules import next_fire
from local.stack import PROJECT_DIR, write_pid_file

log = logging.getLogger("worker")
# ReceiveMessage's longest wait, which Lambda's pollers use: an idle queue costs a call every
# twenty seconds a poller, and a message is handed over as soon as it is sent.
LONG_POLL_SECONDS = 20
# Lambda reads a queue with five pollers to begin with, each handing its batch to an invocation
# of its own, so one slow scan does not hold up the next upload's. The same here, one thread a
# poller; fewer where the function's maximum_concurrency caps its invocations.
POLLERS_PER_QUEUE = 5


class QueuePoller:
    def __init__(self, app: Any, name: str, queue: str, batch_size: int, region: str, endpoint: str | None,
                 timeout_seconds: int = 60) -> None:
        self.app = app
        self.name = name
        self.queue = queue
        self.batch_size = batch_size
        self.region = region
        self.timeout_seconds = timeout_seconds
        self.sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint)
        self.url = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.function = local_runtime.handler(app, name)

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Deliver one batch, waiting up to `wait_seconds` for one; answers how many messages it held."""
        messages = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = local_runtime.sqs_event(messages, self.arn, self.region)
        try:
            self.function(event, local_runtime.LocalLambdaContext(self.name, self.timeout_seconds))
        except Exception:
            # What Lambda does: nothing. The messages come back after the visibility timeout.
            log.exception("worker: %s failed on %d message(s); they will be delivered again", self.name, len(messages))
            return len(messages)
        self.sqs.delete_message_batch(
            QueueUrl=self.url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
        log.info("worker: %s handled %d message(s)", self.name, len(messages))
        return len(messages)

    def run(self, stop: threading.Event) -> None:
        """Long-poll until `stop` is set (checked between polls: the process ends with its pollers'
        daemon threads, so a poll in progress does not hold up a stop)."""
        while not stop.is_set():
            try:
                self.poll_once(LONG_POLL_SECONDS)
            except Exception:
                log.exception("worker: polling %s failed; retrying", self.queue)
                stop.wait(1.0)


def pollers_for(app: Any, name: str) -> int:
    """How many pollers read the queue of the function `name`: POLLERS_PER_QUEUE, or its
    maximum_concurrency when that is lower."""
    for config in app.event_sources:
        if config.name == name:
            limit = getattr(config, "maximum_concurrency", None)
            return min(POLLERS_PER_QUEUE, limit) if limit else POLLERS_PER_QUEUE
    raise KeyError(name)


def queue_threads(app: Any, region: str, endpoint: str | None, stop: threading.Event) -> list[threading.Thread]:
    """The pollers of every queue-triggered function, threads named queue-{queue}-{n}, not started."""
    threads = []
    for name, queue, batch_size in local_runtime.queue_functions(app):
        # One client a queue: boto3's clients are thread-safe, and its ten pooled connections
        # cover the queue's pollers.
        poller = QueuePoller(app, name, queue, batch_size, region, endpoint, function_timeout(name))
        threads += [threading.Thread(target=poller.run, args=(stop,), name=f"queue-{queue}-{n}", daemon=True)
                    for n in range(1, pollers_for(app, name) + 1)]
    return threads


class Scheduler:
    def __init__(self, app: Any, now: Callable[[], datetime], region: str) -> None:
        self.app = app
        self.now = now
        self.region = region
        started = now()
        self.schedules = {
            name: (expression, started, next_fire(expression, started, started))
            for name, expression in local_runtime.scheduled_functions(app)
        }

    def tick(self) -> list[str]:
        """Fire whatever is due; answers the names fired."""
        fired = []
        current = self.now()
        for name, (expression, started, due) in list(self.schedules.items()):
            if current < due:
                continue
            try:
                local_runtime.handler(self.app, name)(
                    local_runtime.scheduled_event(name, current, self.region),
                    local_runtime.LocalLambdaContext(name, local_runtime.configured_timeout(name)),
                )
                log.info("worker: schedule %s ran", name)
            except Exception:
                log.exception("worker: schedule %s failed", name)
            self.schedules[name] = (expression, started, next_fire(expression, current, started))
            fired.append(name)
        return fired

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.tick()
            stop.wait(1.0)


def load_app() -> Any:
    from chalice.cli.factory import CLIFactory

    return CLIFactory(str(PROJECT_DIR)).create_config_obj(chalice_stage_name="local").chalice_app


def function_timeout(name: str) -> int:
    """The function's lambda_timeout in .chalice/config.json: its context's remaining time (what
    Powertools bounds an in-progress idempotency record by) counts down from it, as on Lambda."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(PROJECT_DIR)).create_config_obj(chalice_stage_name="local")
    return int(config.scope(chalice_stage="local", function_name=name).lambda_timeout or 60)


def import_lazy_modules() -> None:
    """Import up front what the functions import on first use. Lambda runs one call at a time per
    container; here they run in threads, and two threads importing the same package's circular
    modules at once make Python give up with a _DeadlockError on one of them."""
    import importlib

    from chalicelib import logs

    for module in ("aws_lambda_powertools.logging", "aws_lambda_powertools.utilities.idempotency",
                   "aws_lambda_powertools.utilities.batch", "fpdf", "pypdf", "segno",
                   "chalicelib.workers.scan", "chalicelib.workers.render", "chalicelib.workers.notifications",
                   "chalicelib.workers.integrations", "chalicelib.workers.deadlines", "chalicelib.workers.accounts",
                   "chalicelib.workers.counters"):
        importlib.import_module(module)
    logs.configure()


# The worker stands for queue functions that run on machines of their own on AWS; here they share
# two cores with the API and the emulator. A person waits on the API, nobody on a queue: when both
# want the CPU, the worker yields it.
WORKER_NICENESS = 10


def main() -> None:
    # Before any AWS client exists: the emulator serves the calls a person waits on before these.
    os.environ.setdefault("AWS_SDK_UA_APP_ID", request_lock.BACKGROUND_APP_ID)
    os.nice(WORKER_NICENESS)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    for chatty in ("botocore", "pynamodb"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    app = load_app()
    import_lazy_modules()
    from chalicelib.deps import container

    deps = container()
    region = deps.settings.aws_region
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    stop = threading.Event()
    threads = queue_threads(app, region, endpoint, stop)
    queues = len({thread.name.rsplit("-", 1)[0] for thread in threads})
    for name, batch_size in local_runtime.stream_functions(app):
        from local.stream_poller import StreamPoller

        streamed = StreamPoller(app, name, batch_size, deps.settings.table_name, region, endpoint, function_timeout(name),
                                batching_window_seconds=local_runtime.stream_batching_window(app, name), stop=stop)
        threads.append(threading.Thread(target=streamed.run, args=(stop,), name=f"stream-{name}", daemon=True))
    scheduler = Scheduler(app, deps.clock.now, region)
    threads.append(threading.Thread(target=scheduler.run, args=(stop,), name="scheduler", daemon=True))
    for thread in threads:
        thread.start()
    if deps.settings.local_state_dir:
        write_pid_file(Path(deps.settings.local_state_dir) / "worker.pid", f"{os.getpid()}\n")
    print(f"worker: {queues} queue(s), {len(scheduler.schedules)} schedule(s)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()


if __name__ == "__main__":
    main()
