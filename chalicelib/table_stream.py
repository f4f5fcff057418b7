"""The table's stream, which aggregate_counters is triggered by. Chalice's
@app.on_dynamodb_record needs the stream's ARN when app.py is imported (it is part of the
function's trigger, as a queue's name is), and a stream's ARN ends with the time it was enabled,
so it cannot be a constant like the queues' names: it is read from the environment at import,
the one setting that is. docs/DEPLOY.md says how it gets there:

* `python -m infra.deploy` (chalice deploy) sets TABLE_STREAM_ARN from the infra stack's output
  `TableStreamArn` and refuses to deploy without it;
* `make package` leaves the placeholder, and the merge template (infra/api_gateway.py) names the
  stream as `Fn::ImportValue` of that output instead;
* the local stack and the tests never read it: the local worker finds the stream from the table
  (local/stream_poller.py).
"""

import os

# An ARN in the right shape that names no stream: what the function's trigger holds where the
# real one is not given (the local stage, the package before its merge).
PLACEHOLDER_STREAM_ARN = "arn:aws:dynamodb:ap-southeast-3:123456789012:table/satupintu/stream/placeholder"
STREAM_EXPORT = "satupintu-TableStreamArn"


def table_stream_arn() -> str:
    return os.environ.get("TABLE_STREAM_ARN") or PLACEHOLDER_STREAM_ARN
