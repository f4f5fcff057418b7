"""satupintu's Chalice app: the route table, one HTTP middleware, and every queue- and
schedule-triggered function, each a two-line delegate to chalicelib (each scheduled one
`@recorded`: its runs are what ops' schedules page shows).

Only light modules are imported here; the request pipeline, pydantic, pynamodb and the
rest load on first use (cold-start budget: docs/BENCHMARKS.md).
"""

from chalice import Chalice, Cron, Rate

from chalicelib import correlation
from chalicelib.api.problems import finish
from chalicelib.api.routes import register_routes
from chalicelib.schedule_runs import recorded
from chalicelib.table_stream import table_stream_arn
from chalicelib.queues import (
    ACCOUNT_QUEUE, INTEGRATION_QUEUE, MAIL_EVENT_QUEUE, NOTIFICATION_QUEUE, RENDER_QUEUE, SCAN_DEAD_LETTER_QUEUE, SCAN_QUEUE,
)

app = Chalice(app_name="satupintu")
register_routes(app)


@app.middleware("http")
def problem_details(event, get_response):
    # Chalice answers some errors itself (405, 415, its catch-all 500); they leave as
    # problem+json like ours, and every answer carries the security headers. The request's
    # correlation id is bound while it runs (its log lines and the jobs it queues carry it) and
    # answered, so a caller can quote it.
    token = correlation.bind(correlation.of_request(event.headers, (event.context or {}).get("requestId")))
    try:
        response = finish(get_response(event), (event.headers or {}).get("accept-language"))
        if correlation.current():
            response.headers["X-Correlation-Id"] = correlation.current()
        return response
    finally:
        correlation.unbind(token)


# At most 5 at once (each sends its e-mails one after another, about 100-200 ms each: a fan-out
# a change's few, a delivery one): about 25-50 a second, under SES's production sending rate, so
# a month-end burst waits in the queue instead of being throttled by SES into retries.
@app.on_sqs_message(queue=NOTIFICATION_QUEUE, batch_size=1, name="notify", maximum_concurrency=5)
def notify(event):
    from chalicelib.workers.notifications import handle_batch

    return handle_batch(event)


@app.on_sqs_message(queue=ACCOUNT_QUEUE, batch_size=1, name="carry_out_account_requests")
def carry_out_account_requests(event):
    from chalicelib.workers.accounts import handle_requests

    return handle_requests(event)


@app.on_sqs_message(queue=MAIL_EVENT_QUEUE, batch_size=1, name="record_mail_events")
def record_mail_events(event):
    from chalicelib.workers.mail_events import handle_batch

    return handle_batch(event)


@app.on_sqs_message(queue=SCAN_QUEUE, batch_size=1, name="scan_upload")
def scan_upload(event):
    from chalicelib.workers.scan import handle_uploads

    return handle_uploads(event)


@app.on_sqs_message(queue=SCAN_DEAD_LETTER_QUEUE, batch_size=1, name="scan_failed")
def scan_failed(event):
    from chalicelib.workers.scan import handle_unscannable

    return handle_unscannable(event)


@app.on_sqs_message(queue=RENDER_QUEUE, batch_size=1, name="render_pdf")
def render_pdf(event):
    from chalicelib.workers.render import handle_batch

    return handle_batch(event)


# The counters, from the changes' moves on the table's stream: one update per office and period
# per batch, exactly once (chalicelib/adapters/dynamodb/counters.py). Batches of up to 1,000
# records gathered for up to 2 s: the root office's items take one update per batch and stream
# shard, so at a national rate a batch of 100 would bring them near DynamoDB's 1,000 writes a
# second per partition (docs/CAPACITY.md); counters trail by at most the 2 s more. From the
# oldest record kept: a trigger made again reads the last 24 hours anew, and what was counted
# then is recognised (its moves item is gone), where LATEST would skip what was not.
@app.on_dynamodb_record(stream_arn=table_stream_arn(), batch_size=1000, maximum_batching_window_in_seconds=2,
                        starting_position="TRIM_HORIZON", name="aggregate_counters")
def aggregate_counters(event):
    from chalicelib.workers.counters import aggregate

    aggregate(event.to_dict())


@app.schedule(Rate(1, unit=Rate.DAYS), name="purge_unverified_accounts")
@recorded
def purge_unverified_accounts(event):
    from chalicelib.workers.accounts import purge_unverified

    purge_unverified(event)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="escalate_overdue_steps")
@recorded
def escalate_overdue_steps(event):
    from chalicelib.workers.deadlines import escalate_overdue

    escalate_overdue(event)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="relay_outbox")
@recorded
def relay_outbox(event):
    from chalicelib.workers.notifications import relay_outbox

    relay_outbox(event)


@app.on_sqs_message(queue=INTEGRATION_QUEUE, batch_size=1, name="run_integration")
def run_integration(event):
    from chalicelib.workers.integrations import handle_run_jobs

    return handle_run_jobs(event)


# 01:00 in Jakarta (UTC+7): yesterday is over everywhere the org works.
@app.schedule(Cron(0, 18, "*", "*", "?", "*"), name="push_finance_registry")
@recorded
def push_finance_registry(event):
    from chalicelib.workers.integrations import push_finance_registry as push

    push(event, event.context)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="retry_registry_sends")
@recorded
def retry_registry_sends(event):
    from chalicelib.workers.integrations import retry_due_integrations

    retry_due_integrations(event, event.context)


# 00:05 in Jakarta (UTC+7): the periods end at the office's midnight, and a report falls due then.
@app.schedule(Cron(5, 17, "*", "*", "?", "*"), name="watch_dam_duties")
@recorded
def watch_dam_duties(event):
    from chalicelib.workers.dam_duties import watch_dam_duties as watch

    watch(event)
