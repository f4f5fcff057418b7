"""The web app's production path: the headers of infra/web_policy.py, the CloudFront template
infra/web.yaml held to them, its history-mode fallback run under Node.js, and
infra/deploy_web.py publishing a build to the emulator's S3 and invalidating CloudFront.
cfn-lint on infra/web.yaml runs with the other templates in test_packaging.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from infra import deploy_web
from infra.web_policy import (
    cache_control_for,
    content_security_policy,
    content_type_for,
    security_headers,
    upload_origins_for,
)
from tests.conftest import PROJECT
from tests.support import require_system

WEB_TEMPLATE = PROJECT / "infra" / "web.yaml"
REGION = "ap-southeast-3"
API_URL = "https://abc123.execute-api.ap-southeast-3.amazonaws.com/api"
API_ORIGIN = "https://abc123.execute-api.ap-southeast-3.amazonaws.com"


# ---- web_policy ---------------------------------------------------------------------------

def test_the_csp_names_the_api_origin_and_the_upload_origins_and_nothing_else():
    csp = content_security_policy(API_URL + "/", upload_origins_for("depok-satupintu-uploads", REGION), https=True)

    assert csp == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
        "connect-src 'self' https://abc123.execute-api.ap-southeast-3.amazonaws.com "
        "https://depok-satupintu-uploads.s3.ap-southeast-3.amazonaws.com; "
        "worker-src 'self' blob:; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; manifest-src 'self'; upgrade-insecure-requests"
    )


def test_over_http_the_csp_does_not_upgrade_requests_and_keeps_the_port():
    csp = content_security_policy("http://127.0.0.1:8000", ["http://127.0.0.1:4566"], https=False)

    assert "connect-src 'self' http://127.0.0.1:8000 http://127.0.0.1:4566;" in csp
    assert csp.endswith("manifest-src 'self'")
    assert "upgrade-insecure-requests" not in csp


def test_connect_src_names_each_origin_once_in_the_order_given():
    csp = content_security_policy("http://127.0.0.1:4566/api", ["http://127.0.0.1:4566", "http://b", "http://b"],
                                  https=False)

    assert "connect-src 'self' http://127.0.0.1:4566 http://b;" in csp


def test_a_relative_api_url_is_refused():
    with pytest.raises(ValueError):
        content_security_policy("/api", [], https=True)


def test_hsts_is_sent_only_over_https():
    over_https = security_headers(API_URL, [], https=True)
    over_http = security_headers("http://127.0.0.1:8000", [], https=False)

    assert over_https["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert "Strict-Transport-Security" not in over_http
    assert set(over_https) - set(over_http) == {"Strict-Transport-Security"}
    assert over_http == {
        "Content-Security-Policy": content_security_policy("http://127.0.0.1:8000", [], https=False),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


@pytest.mark.parametrize("path, expected", [
    ("assets/index-3f9a1c.js", "public, max-age=31536000, immutable"),
    ("/assets/pdf.worker-81bc.mjs", "public, max-age=31536000, immutable"),
    ("index.html", "no-cache"),
    ("config.json", "no-cache"),
    ("favicon.svg", "no-cache"),
    ("robots.txt", "no-cache"),
    ("not-assets/x.js", "no-cache"),
])
def test_only_hashed_assets_are_cached_for_good(path, expected):
    assert cache_control_for(path) == expected


@pytest.mark.parametrize("path, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("assets/index-3f9a1c.js", "text/javascript; charset=utf-8"),
    ("assets/pdf.worker-81bc.mjs", "text/javascript; charset=utf-8"),
    ("assets/index-77aa.css", "text/css; charset=utf-8"),
    ("config.json", "application/json"),
    ("favicon.svg", "image/svg+xml"),
    ("assets/inter-1a2b.woff2", "font/woff2"),
    ("manifest.webmanifest", "application/manifest+json"),
    ("assets/logo-9f.png", "image/png"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("LICENSE", "application/octet-stream"),
])
def test_each_file_gets_the_type_a_nosniff_browser_accepts(path, expected):
    assert content_type_for(path) == expected


# ---- infra/web.yaml -------------------------------------------------------------------------

def load_web_template() -> dict[str, Any]:
    from cfnlint.decode import cfn_yaml

    return cfn_yaml.load(str(WEB_TEMPLATE))


def evaluate(value: Any, parameters: dict[str, Any]) -> Any:
    """The intrinsic functions the headers policy uses, as CloudFormation evaluates them."""
    if isinstance(value, list):
        return [evaluate(item, parameters) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return parameters[value["Ref"]]
    if set(value) == {"Fn::Sub"}:
        return substitute(value["Fn::Sub"], parameters)
    if set(value) == {"Fn::Join"}:
        separator, items = value["Fn::Join"]
        return separator.join(evaluate(items, parameters))
    if set(value) == {"Fn::Select"}:
        index, items = value["Fn::Select"]
        return evaluate(items, parameters)[int(index)]
    if set(value) == {"Fn::Split"}:
        separator, text = value["Fn::Split"]
        return evaluate(text, parameters).split(separator)
    return {key: evaluate(item, parameters) for key, item in value.items()}


def substitute(sub: Any, parameters: dict[str, Any]) -> str:
    template, variables = (sub, {}) if isinstance(sub, str) else sub
    known = {**parameters, **{name: evaluate(v, parameters) for name, v in variables.items()}}
    return re.sub(r"\$\{([\w:.]+)\}", lambda match: str(known[match.group(1)]), template)


def headers_sent_by(policy: dict[str, Any]) -> dict[str, str]:
    """The response headers CloudFront adds for a ResponseHeadersPolicyConfig."""
    security = policy["SecurityHeadersConfig"]
    headers = {"Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"]}
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    hsts = security["StrictTransportSecurity"]
    headers["Strict-Transport-Security"] = (f"max-age={hsts['AccessControlMaxAgeSec']}"
                                            + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
                                            + ("; preload" if hsts.get("Preload") else ""))
    for item in policy.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    assert all(setting.get("Override") for setting in security.values()), "every header replaces the origin's"
    return headers


@pytest.mark.parametrize("api_url", [
    API_URL,
    API_URL + "/",
    "https://api.layanan.example.go.id",
    "https://api.layanan.example.go.id:8443/v1/",
])
def test_cloudfront_sends_exactly_the_headers_of_web_policy(api_url):
    parameters = {"ApiUrl": api_url, "UploadsBucket": "depok-satupintu-uploads", "BucketPrefix": "depok-satupintu",
                  "AWS::Region": REGION}
    resources = load_web_template()["Resources"]
    policy = evaluate(resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"], parameters)

    assert headers_sent_by(policy) == security_headers(
        api_url, upload_origins_for("depok-satupintu-uploads", REGION), https=True)


def test_every_behaviour_sends_the_headers_and_only_assets_are_cached():
    config = load_web_template()["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    default, (assets,) = config["DefaultCacheBehavior"], config["CacheBehaviors"]

    assert assets["PathPattern"] == "/assets/*"
    assert assets["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
    assert default["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    for behaviour in (default, assets):
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert [f["EventType"] for f in default["FunctionAssociations"]] == ["viewer-request"]


# ---- the history-mode fallback, under Node.js -----------------------------------------------

HARNESS = """
{code}
const uris = JSON.parse(process.argv[2]);
const event = (uri) => ({{version: '1.0', context: {{eventType: 'viewer-request'}}, viewer: {{ip: '203.0.113.9'}},
  request: {{method: 'GET', uri, querystring: {{}}, headers: {{}}, cookies: {{}}}}}});
console.log(JSON.stringify(uris.map((uri) => handler(event(uri)).uri)));
"""


def run_spa_fallback(tmp_path: Path, uris: list[str]) -> dict[str, str]:
    require_system("nodejs", shutil.which("node") is not None)
    code = load_web_template()["Resources"]["SpaFallbackFunction"]["Properties"]["FunctionCode"]
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS.format(code=code))
    result = subprocess.run(["node", str(harness), json.dumps(uris)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return dict(zip(uris, json.loads(result.stdout)))


def test_routes_of_the_app_are_served_index_html(tmp_path):
    routes = ["/", "/applications/app_1", "/verify/ABC123", "/set-password", "/applications/app_1/"]

    assert run_spa_fallback(tmp_path, routes) == {route: "/index.html" for route in routes}


def test_files_are_served_as_they_are(tmp_path):
    files = ["/assets/index-abc.js", "/assets/pdf.worker-81bc.mjs", "/config.json", "/favicon.svg", "/robots.txt",
             "/index.html"]

    assert run_spa_fallback(tmp_path, files) == {path: path for path in files}


# ---- deploy_web against the emulator ----------------------------------------------------------

def fake_build(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-3f9a1c.js"></script>')
    (dist / "assets" / "index-3f9a1c.js").write_text("console.log('satupintu')")
    (dist / "assets" / "index-77aa.css").write_text("body{margin:0}")
    (dist / "assets" / "pdf.worker-81bc.mjs").write_text("self.onmessage = () => {}")
    (dist / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (dist / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    return dist


@pytest.fixture
def web_target(emulator):
    import boto3

    bucket = f"web-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    distribution = boto3.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": bucket, "Comment": "deploy_web test", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "web-bucket", "DomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "web-bucket", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"},
    })
    return deploy_web.Target(bucket, distribution["Distribution"]["Id"])


def test_deploy_web_publishes_every_file_with_its_type_and_caching_then_invalidates(web_target, tmp_path, capsys):
    import boto3

    dist = fake_build(tmp_path)

    deploy_web.main(["--stage", "prod", "--api-url", API_URL + "/", "--dist", str(dist),
                     "--bucket", web_target.bucket, "--distribution-id", web_target.distribution_id])

    s3 = boto3.client("s3")
    stored = {key: s3.head_object(Bucket=web_target.bucket, Key=key) for key in (
        "index.html", "config.json", "assets/index-3f9a1c.js", "assets/index-77aa.css", "assets/pdf.worker-81bc.mjs",
        "favicon.svg", "robots.txt")}
    assert {key: (head["ContentType"], head["CacheControl"]) for key, head in stored.items()} == {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "config.json": ("application/json", "no-cache"),
        "assets/index-3f9a1c.js": ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        "assets/index-77aa.css": ("text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        "assets/pdf.worker-81bc.mjs": ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        "favicon.svg": ("image/svg+xml", "no-cache"),
        "robots.txt": ("text/plain; charset=utf-8", "no-cache"),
    }
    config = json.loads(s3.get_object(Bucket=web_target.bucket, Key="config.json")["Body"].read())
    assert config == {"api_url": API_URL}
    assert not (dist / "config.json").exists()

    uploaded = [line.split()[1].split("/", 3)[3] for line in capsys.readouterr().out.splitlines()
                if line.startswith("uploaded ")]
    assert uploaded[:3] == ["assets/index-3f9a1c.js", "assets/index-77aa.css", "assets/pdf.worker-81bc.mjs"]
    assert uploaded[-2:] == ["config.json", "index.html"]

    invalidations = boto3.client("cloudfront").list_invalidations(DistributionId=web_target.distribution_id)
    (summary,) = invalidations["InvalidationList"]["Items"]
    invalidation = boto3.client("cloudfront").get_invalidation(DistributionId=web_target.distribution_id,
                                                               Id=summary["Id"])
    assert sorted(invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) == [
        "/", "/config.json", "/index.html"]


def test_a_second_release_leaves_the_first_releases_assets_in_place(web_target, tmp_path):
    import boto3

    first, second = fake_build(tmp_path / "one"), fake_build(tmp_path / "two")
    (second / "assets" / "index-3f9a1c.js").rename(second / "assets" / "index-5e6f7a.js")
    target_args = ["--bucket", web_target.bucket, "--distribution-id", web_target.distribution_id]

    deploy_web.main(["--stage", "prod", "--api-url", API_URL, "--dist", str(first), *target_args])
    deploy_web.main(["--stage", "prod", "--api-url", API_URL, "--dist", str(second), *target_args])

    keys = {item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=web_target.bucket)["Contents"]}
    assert {"assets/index-3f9a1c.js", "assets/index-5e6f7a.js"} <= keys


def test_a_dry_run_uploads_nothing(web_target, tmp_path, capsys):
    import boto3

    deploy_web.main(["--stage", "prod", "--api-url", API_URL, "--dist", str(fake_build(tmp_path)), "--dry-run",
                     "--bucket", web_target.bucket, "--distribution-id", web_target.distribution_id])

    assert boto3.client("s3").list_objects_v2(Bucket=web_target.bucket)["KeyCount"] == 0
    output = capsys.readouterr().out
    assert f"would upload s3://{web_target.bucket}/index.html" in output
    assert "would invalidate / /index.html /config.json" in output


def test_without_a_build_it_says_to_run_make_web(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        deploy_web.main(["--stage", "prod", "--stack", "satupintu-web", "--dist", str(tmp_path)])

    assert exit_.value.code == 2
    assert "run `make web` first" in capsys.readouterr().err


def test_a_missing_stack_is_named_with_what_to_do(emulator, tmp_path, capsys):
    with pytest.raises(SystemExit):
        deploy_web.main(["--stage", "prod", "--stack", f"no-such-{uuid.uuid4().hex[:6]}", "--api-url", API_URL,
                         "--dist", str(fake_build(tmp_path))])

    error = capsys.readouterr().err
    assert "deploy infra/web.yaml first" in error and "--bucket and --distribution-id" in error


def test_the_api_url_comes_from_chalices_record_of_the_stage(tmp_path):
    deployed = tmp_path / ".chalice" / "deployed"
    deployed.mkdir(parents=True)
    (deployed / "prod.json").write_text(json.dumps({"resources": [
        {"name": "api_handler", "resource_type": "lambda_function", "lambda_arn": "arn:aws:lambda:..."},
        {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc123", "rest_api_url": API_URL + "/"},
    ]}))

    assert deploy_web.api_url_from_chalice("prod", tmp_path) == API_URL + "/"
    with pytest.raises(deploy_web.PublishError, match="--api-url"):
        deploy_web.api_url_from_chalice("dev", tmp_path)
