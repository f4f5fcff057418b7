"""The AWS path, checked offline: `chalice package` for the prod stage builds, each function with
a role and policy of its own, and cfn-lint and checkov pass on its template, on
infra/template.yaml and on the web app's infra/web.yaml (checkov: every check skipped is skipped
in place, with its reason)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("package")
    merge = out / "merge.json"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-southeast-3"}
    for key in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key, None)  # no account, no emulator: packaging needs neither
    subprocess.run([sys.executable, "-m", "infra.api_gateway", "merge-template", str(merge), "--stage", "prod"], cwd=PROJECT,
                   check=True, env=env)
    result = subprocess.run([str(bin_dir / "chalice"), "package", "--stage", "prod", "--merge-template", str(merge),
                             str(out / "build")], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "build"


def test_chalice_packages_the_prod_stage(package):
    template = json.loads((package / "sam.json").read_text())
    functions = {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert {p["Handler"] for p in functions.values()} == {
        "app.app", "app.notify", "app.carry_out_account_requests", "app.record_mail_events", "app.scan_upload",
        "app.scan_failed",
        "app.purge_unverified_accounts", "app.escalate_overdue_steps", "app.relay_outbox", "app.render_pdf", "app.run_integration",
        "app.push_finance_registry", "app.retry_registry_sends", "app.watch_dam_duties", "app.aggregate_counters"}
    assert all(p["Runtime"] == "python3.11" for p in functions.values())
    for name in ("Notify", "CarryOutAccountRequests", "RecordMailEvents", "ScanUpload", "ScanFailed", "RenderPdf", "RunIntegration"):
        assert functions[name]["Events"][f"{name}SqsEventSource"]["Properties"]["BatchSize"] == 1
    # The counters' function reads the table's stream as the infra stack exports it, in batches
    # of up to 1,000 gathered for up to 2 s (app.py was loaded with a placeholder ARN:
    # chalicelib/table_stream.py).
    stream = functions["AggregateCounters"]["Events"]["AggregateCountersDynamodbEventSource"]
    assert stream["Type"] == "DynamoDB"
    assert stream["Properties"]["Stream"] == {"Fn::ImportValue": "satupintu-TableStreamArn"}
    assert (stream["Properties"]["BatchSize"], stream["Properties"].get("MaximumBatchingWindowInSeconds"),
            stream["Properties"]["StartingPosition"]) == (1000, 2, "TRIM_HORIZON")
    gateway = [v for v in template["Resources"].values() if v["Type"] == "AWS::ApiGateway::GatewayResponse"]
    for unknown_route in ("MISSING_AUTHENTICATION_TOKEN", "INCOMPLETE_SIGNATURE"):  # without and with a token
        assert any(g["Properties"]["ResponseType"] == unknown_route and g["Properties"]["StatusCode"] == "404"
                   for g in gateway), unknown_route
    assert (package / "deployment.zip").stat().st_size < 50 * 1024 * 1024  # Lambda's zipped limit
    import zipfile

    names = set(zipfile.ZipFile(package / "deployment.zip").namelist())
    # What the render function needs at run time: the embedded font and the QR encoder.
    assert {"chalicelib/fonts/DejaVuSans.ttf", "chalicelib/fonts/DejaVuSans-Bold.ttf", "segno/__init__.py"} <= names


def test_cfn_lint_passes_on_the_package_and_on_infra(package):
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(PROJECT / "infra" / "template.yaml"), str(PROJECT / "infra" / "web.yaml"),
                             str(package / "sam.json")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_prod_api_has_no_local_routes_and_answers_only_its_web_apps_origin(package):
    """The local stage's helpers (mailbox, clock, schedules) are not routes of a deployed stage at
    all, and CORS names the stage's WEB_BASE_URL, never `*`."""
    template = json.loads((package / "sam.json").read_text())
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/health" in paths and "/applications/{id}" in paths
    assert not [path for path in paths if path.startswith("/_local")]
    config = json.loads((PROJECT / ".chalice" / "config.json").read_text())
    origin = config["stages"]["prod"]["environment_variables"]["WEB_BASE_URL"]
    preflight = paths["/applications"]["options"]["x-amazon-apigateway-integration"]["responses"]["default"]
    assert preflight["responseParameters"]["method.response.header.Access-Control-Allow-Origin"] == f"'{origin}'"


def test_a_deployed_stage_refuses_to_start_without_its_web_apps_origin():
    from chalicelib.api.routes import cors_config

    assert cors_config("local", "").allow_origin == "*"
    assert cors_config("", "") is None  # imported outside any stage: no browser is answered
    assert cors_config("prod", "https://layanan.example.go.id/").allow_origin == "https://layanan.example.go.id"
    for missing in ("", "*"):
        with pytest.raises(RuntimeError, match="WEB_BASE_URL"):
            cors_config("prod", missing)


def test_the_packaged_functions_are_released_as_canaries_that_roll_back_on_errors(package):
    template = json.loads((package / "sam.json").read_text())
    functions = {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert len(functions) >= 13
    for name, properties in functions.items():
        assert properties["AutoPublishAlias"] == "live", name
        preference = properties["DeploymentPreference"]
        assert preference["Type"].startswith("Canary")
        [alarm] = preference["Alarms"]
        assert template["Resources"][alarm["Ref"]]["Properties"]["MetricName"] == "Errors"


# What `aws cloudformation package` uploads and rewrites to s3://…: these properties of these
# types, when they hold a local path (awscli's customizations/cloudformation/artifact_exporter.py
# has the full list; this template uses the first only).
PACKAGEABLE = {("AWS::Serverless::Function", "CodeUri"), ("AWS::Serverless::LayerVersion", "ContentUri"),
               ("AWS::Serverless::Api", "DefinitionUri"), ("AWS::Lambda::Function", "Code"),
               ("AWS::Lambda::LayerVersion", "Content")}


def _local_paths(value, where, found):
    if isinstance(value, dict):
        for key, inner in value.items():
            _local_paths(inner, f"{where}.{key}", found)
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            _local_paths(inner, f"{where}[{number}]", found)
    elif isinstance(value, str) and (value.startswith(("./", "../")) or value.endswith((".zip", ".jar"))):
        found.append((where, value))


def test_the_packaged_templates_code_is_a_local_zip_that_aws_cloudformation_package_rewrites(package):
    """CloudFormation cannot read ./deployment.zip: docs/DEPLOY.md uploads it with `aws
    cloudformation package` (tests/unit/test_deploy_package_doc.py). Every local path of the
    template is one that command rewrites, so after it the template names only S3."""
    template = json.loads((package / "sam.json").read_text())
    functions = {name: r for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    assert functions and all((package / r["Properties"]["CodeUri"]).resolve() == (package / "deployment.zip").resolve()
                             for r in functions.values())
    assert "CodeUri" not in template.get("Globals", {}).get("Function", {})
    rewritten = json.loads(json.dumps(template))  # what the command writes: the artifact in S3
    for resource in rewritten["Resources"].values():
        for kind, prop in PACKAGEABLE:
            if resource["Type"] == kind and isinstance(resource.get("Properties", {}).get(prop), str):
                resource["Properties"][prop] = "s3://depok-satupintu-artifacts/0123456789abcdef"
    left = []
    _local_paths(rewritten, "template", left)
    assert left == []
    assert template["Transform"] == "AWS::Serverless-2016-10-31"  # hence CAPABILITY_AUTO_EXPAND
    roles = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert roles and all("RoleName" in r["Properties"] for r in roles)  # hence CAPABILITY_NAMED_IAM


def test_each_function_runs_as_a_role_of_its_own_named_as_chalice_deploy_names_it(package):
    """The packaged path gives each function the role and name `chalice deploy` gives it, so the
    KMS key policies (which name the roles) and the log-group scoping hold on both paths."""
    from chalice.utils import to_cfn_resource_name

    template = json.loads((package / "sam.json").read_text())["Resources"]
    config = json.loads((PROJECT / ".chalice" / "config.json").read_text())
    for function, settings in config["lambda_functions"].items():
        role = template[to_cfn_resource_name(f"{function}_role")]["Properties"]
        assert role["RoleName"] == f"satupintu-prod-{function}"
        policy_file = PROJECT / ".chalice" / settings["iam_policy_file"]
        assert [p["PolicyDocument"] for p in role["Policies"]] == [json.loads(policy_file.read_text())]
        lambda_function = template["APIHandler" if function == "api_handler" else to_cfn_resource_name(function)]
        assert lambda_function["Properties"]["FunctionName"] == ("satupintu-prod" if function == "api_handler"
                                                                 else f"satupintu-prod-{function}")
        assert lambda_function["Properties"]["Role"] == {"Fn::GetAtt": [to_cfn_resource_name(f"{function}_role"), "Arn"]}


def checkov() -> Path:
    """checkov in its own virtualenv (`make test` makes it from requirements-checkov.txt)."""
    path = Path(os.environ.get("CHECKOV", PROJECT / ".venv-checkov" / "bin" / "checkov"))
    if not path.exists():
        pytest.fail(f"checkov is not installed at {path}: `make test` installs it (requirements-checkov.txt)")
    return path


def test_checkov_finds_nothing_on_the_package_and_on_infra_but_what_is_skipped_in_place(package):
    files = [PROJECT / "infra" / "template.yaml", PROJECT / "infra" / "web.yaml", package / "sam.json"]
    command = [str(checkov()), "--skip-download", "--framework", "cloudformation", "--output", "json"]
    for path in files:
        command += ["-f", str(path)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}  # offline: no guidelines fetched
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(c["check_id"], c["resource"], c["file_path"]) for r in reports for c in r["results"]["failed_checks"]]
    assert failed == [] and result.returncode == 0, failed or result.stderr[-2000:]
    skipped = [c for r in reports for c in r["results"]["skipped_checks"]]
    assert skipped and all(len(c["check_result"].get("suppress_comment", "")) > 20 for c in skipped)  # each with its reason
    passed = {c["check_id"] for r in reports for c in r["results"]["passed_checks"]}
    # What this part of issue 17 is for, among what passes: TLS-only, encryption, logging, versioning.
    assert {"CKV_AWS_18", "CKV_AWS_19", "CKV_AWS_21"} <= passed
