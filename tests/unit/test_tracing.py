"""X-Ray: in Lambda, the first log setup starts Powertools' Tracer with botocore and requests
patched (every AWS and HTTP call a subsegment); outside Lambda nothing of it is even imported."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from chalicelib import logs, tracing
logs.configure()
with tracing.traced("## record", "req-12345678"):
    pass
patched = []
if "aws_xray_sdk.core.patcher" in sys.modules:
    patched = sorted(sys.modules["aws_xray_sdk.core.patcher"]._PATCHED_MODULES)
print(json.dumps({"tracer": tracing._tracer is not None, "patched": patched, "xray_loaded": "aws_xray_sdk" in sys.modules}))
"""


def _probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("LAMBDA_TASK_ROOT", "AWS_CHALICE_CLI_MODE")}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT, capture_output=True, text=True, check=True,
                            env={**clean, "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR", **env})
    return json.loads(result.stdout.splitlines()[-1])


def test_in_lambda_the_tracer_patches_botocore_and_requests():
    seen = _probe(LAMBDA_TASK_ROOT="/var/task", AWS_LAMBDA_FUNCTION_NAME="satupintu-prod-notify")
    assert seen["tracer"] and {"botocore", "requests"} <= set(seen["patched"])


def test_outside_lambda_no_tracer_and_no_xray_sdk_is_loaded():
    assert _probe() == {"tracer": False, "patched": [], "xray_loaded": False}
