"""One command for each release of the functions, so no step is left to memory:

  AWS_DEFAULT_REGION=ap-southeast-3 .venv/bin/python -m infra.deploy --stage prod --stack satupintu

1. Chalice's record of the stage (.chalice/deployed/<stage>.json) is fetched from the infra
   stack's deploy-state bucket: whoever deploys (another operator, CI) updates the same API and
   functions instead of making a second set beside them.
2. `chalice deploy --stage <stage>`.
3. The record is stored back, whatever step 2 did (a half-finished deploy's record names what
   it made, so the next one updates rather than duplicates it).
4. What Chalice does not make on the API (infra/api_gateway.py: error answers, throttling,
   the web ACL).

Releases of one stage must not run at the same time (one pipeline, or one operator at a time):
the record is one file, the last writer's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

PROJECT = Path(__file__).resolve().parent.parent


def state_key(stage: str) -> str:
    return f"chalice/deployed/{stage}.json"


def state_bucket(cloudformation: Any, stack: str) -> str:
    outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    found = [o["OutputValue"] for o in outputs if o["OutputKey"] == "DeployStateBucketName"]
    if not found:
        raise SystemExit(f"stack {stack} has no DeployStateBucketName output: deploy infra/template.yaml first")
    return found[0]


def table_stream_arn(cloudformation: Any, stack: str) -> str:
    """The table's stream, which aggregate_counters is triggered by: Chalice takes it from app.py
    when it loads the app (chalicelib/table_stream.py reads TABLE_STREAM_ARN)."""
    outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    found = [o["OutputValue"] for o in outputs if o["OutputKey"] == "TableStreamArn"]
    if not found:
        raise SystemExit(f"stack {stack} has no TableStreamArn output: deploy infra/template.yaml (its table's stream) first")
    return found[0]


def api_domain(cloudformation: Any, stack: str) -> str | None:
    """The API's own address the stack was given (ApiDomainName), if any."""
    parameters = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])
    return next((p["ParameterValue"] for p in parameters if p["ParameterKey"] == "ApiDomainName"), None) or None


def pull(s3: Any, bucket: str, stage: str, project: Path) -> bool:
    """The stage's record into .chalice/deployed/; False when there is none yet (a first deploy)."""
    target = project / ".chalice" / "deployed" / f"{stage}.json"
    try:
        body = s3.get_object(Bucket=bucket, Key=state_key(stage))["Body"].read()
    except s3.exceptions.NoSuchKey:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return True


def push(s3: Any, bucket: str, stage: str, project: Path) -> bool:
    source = project / ".chalice" / "deployed" / f"{stage}.json"
    if not source.exists():
        return False
    s3.put_object(Bucket=bucket, Key=state_key(stage), Body=source.read_bytes(), ContentType="application/json")
    return True


def release(stage: str, stack: str, clients: Callable[[str], Any], project: Path = PROJECT,
            run: Callable[..., Any] = subprocess.run, after: Callable[[str], None] | None = None) -> None:
    s3, bucket = clients("s3"), state_bucket(clients("cloudformation"), stack)
    stream = table_stream_arn(clients("cloudformation"), stack)
    print("deployed state:", "fetched" if pull(s3, bucket, stage, project) else "none yet (first deploy)")
    chalice = Path(sys.executable).parent / "chalice"
    try:
        result = run([str(chalice), "deploy", "--stage", stage], cwd=project, env={**os.environ, "TABLE_STREAM_ARN": stream})
    finally:
        push(s3, bucket, stage, project)
    if result.returncode != 0:
        raise SystemExit(f"chalice deploy failed ({result.returncode}); its record was stored, run again to finish")
    if after is None:
        from infra import api_gateway

        api_gateway.apply(stage, project=project, domain=api_domain(clients("cloudformation"), stack))
    else:
        after(stage)


def main() -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--stack", default="satupintu", help="the infra/template.yaml stack")
    args = parser.parse_args()
    release(args.stage, args.stack, boto3.client)


if __name__ == "__main__":
    main()
