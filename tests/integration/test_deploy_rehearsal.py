"""A deploy rehearsal on the emulator, from docs/DEPLOY.md as printed: the infra stack created
as CloudFormation creates it, with the parameters the document gives; then the first admin's
bootstrap, the command copied from the document and run as a process of its own (only the
emulator's endpoint and credentials added, as an operator's shell has theirs); then the admin
sets a password from the invitation e-mail and logs in to the API of the prod stage.

The functions run with the prod stage's configuration from .chalice/config.json, whose example
values are the document's (BucketPrefix=depok-satupintu gives depok-satupintu-uploads, …)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from tests import deploy_doc
from tests.conftest import PROJECT

ONCE_PER_ACCOUNT = "Once per account"
NEW_ORGANISATION = "A new organisation"


@pytest.fixture(scope="module")
def infra_stack(emulator):
    """The stack of `aws cloudformation deploy` in "Once per account", with its parameters."""
    from local.provision import STACK_NAME, TEMPLATE, provision

    deploy = deploy_doc.command(ONCE_PER_ACCOUNT, ["aws", "cloudformation", "deploy"])
    assert deploy_doc.option(deploy, "--stack-name") == [STACK_NAME]
    assert (PROJECT / deploy_doc.option(deploy, "--template-file")[0]) == TEMPLATE
    parameters = dict(word.split("=", 1) for word in deploy_doc.option(deploy, "--parameter-overrides"))
    region = deploy_doc.option(deploy, "--region")[0]
    emulator.emulator.reset()
    outputs = provision(emulator.url, region, parameters)
    return {"outputs": outputs, "parameters": parameters, "region": region}


def _operator_environment(emulator) -> dict[str, str]:
    """A shell with nothing of the project's set: where AWS is (the emulator) and who the
    operator is. The command's own assignments come on top."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update({"AWS_ENDPOINT_URL": emulator.url, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"})
    return env


def _mail_to(emulator, address: str) -> list[dict]:
    with urllib.request.urlopen(f"{emulator.url}/_emulator/mail", timeout=10) as answer:
        items = json.load(answer)["items"]
    return [item for item in items if address in item["to"]]


def _run_bootstrap(emulator) -> subprocess.CompletedProcess:
    """The document's bootstrap command, word for word, in a shell of the operator's (the venv's
    interpreter is this one)."""
    bootstrap = deploy_doc.command(NEW_ORGANISATION, [".venv/bin/python", "-m", "infra.bootstrap"])
    env = {**_operator_environment(emulator), **bootstrap.env}
    return subprocess.run([sys.executable, *bootstrap.argv[1:]], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def bootstrapped(emulator, infra_stack):
    ran = _run_bootstrap(emulator)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran


@pytest.fixture
def prod_functions(emulator, infra_stack, monkeypatch):
    """The environment the prod stage's functions get (.chalice/config.json), against the emulator."""
    from chalicelib import deps as deps_module
    from local.stack import chalice_stage_environment

    # The app's routes are built once per process, at its first import: imported here under
    # STAGE=prod, it would lose the /_local routes for every later test of this worker.
    import app  # noqa: F401

    stage = chalice_stage_environment("prod")
    for name, value in {**stage, "AWS_DEFAULT_REGION": infra_stack["region"], "AWS_ENDPOINT_URL": emulator.url}.items():
        monkeypatch.setenv(name, value)
    deps_module.reset()
    yield stage
    deps_module.reset()


def _deliver_notifications() -> None:
    from chalicelib import deps as deps_module
    from tests.support import deliver_queue

    while deliver_queue(deps_module.container(), "notify"):
        pass  # the fan-out, then the e-mail job it queued


def test_the_documented_stack_bootstrap_and_first_login_work_in_order(emulator, infra_stack, bootstrapped,
                                                                      prod_functions):
    from chalice.test import Client

    import app as app_module

    bootstrap = deploy_doc.command(NEW_ORGANISATION, [".venv/bin/python", "-m", "infra.bootstrap"])
    assert bootstrap.env.get("AWS_DEFAULT_REGION") == infra_stack["region"], "run in the stack's region"
    admin_email = deploy_doc.option(bootstrap, "--admin-email")[0]
    root_id = deploy_doc.option(bootstrap, "--root-id")[0]
    assert admin_email in bootstrapped.stdout
    # The prod stage's functions use what the stack made (the document's example values).
    assert prod_functions["UPLOADS_BUCKET"] == infra_stack["outputs"]["UploadsBucketName"]

    _deliver_notifications()
    invitations = _mail_to(emulator, admin_email)
    assert len(invitations) == 1, invitations
    text = invitations[0]["text"]
    assert f"{prod_functions['WEB_BASE_URL']}/set-password#" in text
    code = text.split("kode undangan ini di halaman atur kata sandi:\n")[1].split()[0]

    client = Client(app_module.app, stage_name="prod", project_dir=str(PROJECT)).http
    headers = {"content-type": "application/json"}
    answer = client.post("/auth/password/reset", headers=headers, body=json.dumps(
        {"email": admin_email, "code": code, "new_password": "the first admin's own"}))
    assert answer.status_code == 200, answer.body
    answer = client.post("/auth/login", headers=headers, body=json.dumps(
        {"email": admin_email, "password": "the first admin's own"}))
    assert answer.status_code == 200, answer.body
    bearer = {"authorization": f"Bearer {json.loads(answer.body)['access_token']}"}
    me = client.get("/me", headers=bearer)
    assert me.status_code == 200, me.body
    assert json.loads(me.body)["roles"] == [{"role": "admin", "node_id": root_id}]
    office = client.get(f"/org/nodes/{root_id}", headers=bearer)
    assert office.status_code == 200, office.body


def test_the_bootstrap_run_again_changes_nothing_and_says_so(emulator, bootstrapped, prod_functions):
    """An operator unsure whether it worked runs it again: no second invitation, no traceback."""
    bootstrap = deploy_doc.command(NEW_ORGANISATION, [".venv/bin/python", "-m", "infra.bootstrap"])
    admin_email = deploy_doc.option(bootstrap, "--admin-email")[0]
    _deliver_notifications()
    before = len(_mail_to(emulator, admin_email))
    again = _run_bootstrap(emulator)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already" in again.stdout
    _deliver_notifications()
    assert len(_mail_to(emulator, admin_email)) == before == 1


def test_a_stage_naming_other_buckets_than_the_stack_made_is_refused_before_anything_is_written(emulator, infra_stack,
                                                                                               bootstrapped):
    """The dev stage's buckets are not the stack's: the bootstrap says what to set and writes nothing."""
    bootstrap = deploy_doc.command(NEW_ORGANISATION, [".venv/bin/python", "-m", "infra.bootstrap"])
    argv = [sys.executable, *bootstrap.argv[1:]]
    argv[argv.index("--stage") + 1] = "dev"
    argv[argv.index("--root-id") + 1] = "another-root"
    ran = subprocess.run(argv, cwd=PROJECT, env={**_operator_environment(emulator), **bootstrap.env},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr
    assert "UPLOADS_BUCKET=depok-satupintu-uploads" in ran.stderr and "QUARANTINE_BUCKET=" in ran.stderr
    import boto3

    table = boto3.client("dynamodb", region_name=infra_stack["region"], endpoint_url=emulator.url)
    def node(node_id: str) -> dict:
        return table.get_item(TableName="satupintu", Key={"pk": {"S": f"NODE#{node_id}"}, "sk": {"S": "NODE"}})

    assert "Item" in node(deploy_doc.option(bootstrap, "--root-id")[0])  # where the documented run wrote it
    assert "Item" not in node("another-root")
