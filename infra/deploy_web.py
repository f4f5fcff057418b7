"""Publish the built web app (web/dist) to the bucket of infra/web.yaml and tell CloudFront.

  python -m infra.deploy_web --stage prod --stack satupintu-web [--api-url URL] [--dist web/dist]
      [--bucket NAME --distribution-id ID] [--dry-run]

The API URL is --api-url, else the one `chalice deploy --stage <stage>` recorded in
.chalice/deployed/<stage>.json. It reaches the app as config.json, written into the upload and
never into the dist folder, so one build serves every stage. Hashed files under assets/ go up
first and index.html last: a visitor never gets an index naming files not yet there. Nothing is
deleted: tabs opened before this release still load their old assets, and the bucket's
lifecycle rule expires replaced versions. Then /, /index.html and /config.json are invalidated.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from infra.web_policy import ASSETS_PREFIX, cache_control_for, content_type_for, origin_of

PROJECT = Path(__file__).resolve().parent.parent
CONFIG_KEY = "config.json"
INDEX_KEY = "index.html"
INVALIDATED_PATHS = ["/", "/index.html", "/config.json"]


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Target:
    bucket: str
    distribution_id: str


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


def api_url_from_chalice(stage: str, project: Path = PROJECT) -> str:
    deployed = project / ".chalice" / "deployed" / f"{stage}.json"
    if not deployed.is_file():
        raise PublishError(f"no API URL: pass --api-url, or run `chalice deploy --stage {stage}` first "
                           f"(it records the URL in {deployed.relative_to(project)})")
    resources = json.loads(deployed.read_text())["resources"]
    rest_api = next((r for r in resources if r["resource_type"] == "rest_api"), None)
    if rest_api is None:
        raise PublishError(f"{deployed.relative_to(project)} names no rest_api: pass --api-url")
    return rest_api["rest_api_url"]


def stack_outputs(stack: str) -> dict[str, str]:
    import boto3
    from botocore.exceptions import ClientError

    try:
        described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        raise PublishError(f"cannot read stack {stack} ({error.response['Error']['Message']}): deploy "
                           "infra/web.yaml first (docs/DEPLOY.md), or give --bucket and --distribution-id") from error
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def resolve_target(stack: str | None, bucket: str | None, distribution_id: str | None) -> Target:
    """The stack's outputs, each overridden by its option; the stack is not read when both are given."""
    if bucket and distribution_id:
        return Target(bucket, distribution_id)
    if not stack:
        raise PublishError("name the web stack (--stack) or give both --bucket and --distribution-id")
    outputs = stack_outputs(stack)
    return Target(bucket or outputs["WebBucketName"], distribution_id or outputs["DistributionId"])


def publish_order(key: str) -> int:
    """Assets, then the other files, then config.json, then index.html: what names a file goes
    up after the file."""
    if key.startswith(ASSETS_PREFIX):
        return 0
    if key == CONFIG_KEY:
        return 2
    if key == INDEX_KEY:
        return 3
    return 1


def require_build(dist: Path) -> None:
    if not (dist / INDEX_KEY).is_file():
        raise PublishError(f"{dist} has no {INDEX_KEY}: run `make web` first")


def config_json(api_url: str) -> bytes:
    try:
        origin_of(api_url)
    except ValueError as error:
        raise PublishError(f"--api-url: {error}") from error
    return json.dumps({"api_url": api_url.rstrip("/")}).encode()


def plan_uploads(dist: Path, api_url: str) -> list[Upload]:
    require_build(dist)
    files = {path.relative_to(dist).as_posix(): path.read_bytes() for path in dist.rglob("*") if path.is_file()}
    # A config.json left in the build would be replaced anyway; the stage's own one wins.
    files[CONFIG_KEY] = config_json(api_url)
    return [Upload(key, body, content_type_for(key), cache_control_for(key))
            for key, body in sorted(files.items(), key=lambda item: (publish_order(item[0]), item[0]))]


def upload(target: Target, uploads: list[Upload]) -> None:
    import boto3

    s3 = boto3.client("s3")
    for item in uploads:
        s3.put_object(Bucket=target.bucket, Key=item.key, Body=item.body, ContentType=item.content_type,
                      CacheControl=item.cache_control)
        print(f"uploaded s3://{target.bucket}/{item.key} ({item.content_type} | {item.cache_control})")


def invalidate(target: Target) -> str:
    """The default behaviour does not cache, so this only clears what an earlier cache policy
    or an edge still holding a copy would serve; it costs nothing at three paths."""
    import boto3

    answer = boto3.client("cloudfront").create_invalidation(
        DistributionId=target.distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(INVALIDATED_PATHS), "Items": INVALIDATED_PATHS},
            "CallerReference": f"deploy-web-{int(time.time())}-{uuid.uuid4().hex[:8]}",
        },
    )
    return answer["Invalidation"]["Id"]


def publish(uploads: list[Upload], target: Target, *, dry_run: bool) -> None:
    if dry_run:
        for item in uploads:
            print(f"would upload s3://{target.bucket}/{item.key} ({item.content_type} | {item.cache_control})")
        print(f"would invalidate {' '.join(INVALIDATED_PATHS)} on distribution {target.distribution_id}")
        return
    upload(target, uploads)
    invalidation = invalidate(target)
    print(f"{len(uploads)} files published to s3://{target.bucket}; invalidation {invalidation} of "
          f"{' '.join(INVALIDATED_PATHS)} on distribution {target.distribution_id}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", required=True, help="the Chalice stage whose API the app calls")
    parser.add_argument("--stack", help="the stack made from infra/web.yaml")
    parser.add_argument("--api-url", help="default: rest_api_url of .chalice/deployed/<stage>.json")
    parser.add_argument("--dist", type=Path, default=PROJECT / "web" / "dist")
    parser.add_argument("--bucket", help="the web bucket, instead of the stack's WebBucketName")
    parser.add_argument("--distribution-id", help="instead of the stack's DistributionId")
    parser.add_argument("--dry-run", action="store_true", help="print what would be uploaded; change nothing")
    args = parser.parse_args(argv)
    try:
        require_build(args.dist)  # before the API URL: an unbuilt app is the likelier mistake
        api_url = args.api_url or api_url_from_chalice(args.stage)
        uploads = plan_uploads(args.dist, api_url)
        print(f"{len(uploads)} files from {args.dist}; config.json names the API at {api_url.rstrip('/')}")
        target = resolve_target(args.stack, args.bucket, args.distribution_id)
        publish(uploads, target, dry_run=args.dry_run)
    except PublishError as error:
        parser.exit(2, f"deploy_web: {error}\n")


if __name__ == "__main__":
    main()
