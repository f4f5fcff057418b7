"""The packaged CloudFormation path as docs/DEPLOY.md prints it (issue 17, blocker 4): the
template `make package` writes names its code as a local zip, so the zip goes to S3 with `aws
cloudformation package` before `aws cloudformation deploy` reads the template that step wrote,
with both capabilities the template needs; `make deploy-package` runs the same commands.
(tests/integration/test_packaging.py checks the template's side: its CodeUri is what that
step rewrites.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests import deploy_doc

PROJECT = Path(__file__).resolve().parents[2]
SECTION = "Each release"


def _documented() -> list[deploy_doc.Command]:
    found = [c for c in deploy_doc.commands(SECTION) if c.argv[:2] in (["make", "package"], ["aws", "cloudformation"])]
    return [c for c in found if c.argv[:2] == ["make", "package"] or c.argv[2] in ("package", "deploy")]


def test_the_zip_goes_to_s3_before_the_stack_is_deployed_with_both_capabilities():
    make, package, deploy = _documented()
    assert make.argv == ["make", "package"]
    assert package.argv[:3] == ["aws", "cloudformation", "package"]
    assert deploy.argv[:3] == ["aws", "cloudformation", "deploy"]
    assert deploy_doc.option(package, "--template-file") == ["build/package/sam.json"]
    assert len(deploy_doc.option(package, "--s3-bucket")) == 1
    packaged = deploy_doc.option(package, "--output-template-file")
    assert deploy_doc.option(deploy, "--template-file") == packaged != ["build/package/sam.json"]
    assert set(deploy_doc.option(deploy, "--capabilities")) == {"CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}
    region = deploy_doc.option(deploy, "--region")
    assert deploy_doc.option(package, "--region") == region  # the bucket is in the stack's region


def test_make_package_writes_the_template_the_package_step_reads():
    recipe = _recipe("package")
    assert any("chalice package" in line and line.rstrip().endswith("build/package") for line in recipe)


def test_make_deploy_package_runs_the_documented_commands():
    _make, package, deploy = _documented()
    bucket = deploy_doc.option(package, "--s3-bucket")[0]
    variables = {"REGION": deploy_doc.option(deploy, "--region")[0], "API_STACK": deploy_doc.option(deploy, "--stack-name")[0],
                 "ARTIFACT_BUCKET": bucket}
    makefile = (PROJECT / "Makefile").read_text()
    for name in ("REGION", "API_STACK"):
        assert re.search(rf"^{name} \?= {re.escape(variables[name])}$", makefile, re.M), name
    assert re.search(r"^deploy-package: package$", makefile, re.M)
    commands = [line for line in _recipe("deploy-package") if line.startswith("aws ")]
    expanded = [shlex.split(re.sub(r"\$\((\w+)\)", lambda m: variables[m.group(1)], line)) for line in commands]
    assert expanded == [package.argv, deploy.argv]


def _recipe(target: str) -> list[str]:
    """The target's recipe lines, continuations joined, without their tab."""
    text = (PROJECT / "Makefile").read_text()
    found = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert found, target
    joined = re.sub(r"\\\n\t\s*", " ", found.group(1))
    return [line.lstrip("\t").lstrip("@") for line in joined.splitlines()]
