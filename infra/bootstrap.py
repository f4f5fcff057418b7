"""Set up a new deployment's organisation: its root office and its first administrator, who
gets an invitation e-mail to set a password and then opens every other office through the API.

  AWS_DEFAULT_REGION=ap-southeast-3 python -m infra.bootstrap --stage prod --stack satupintu \\
      --root-id pemkot-depok --root-name "Pemerintah Kota Depok" \\
      --admin-email admin@depok.go.id --admin-name "Admin satupintu"

Runs with the operator's AWS credentials. Its configuration is the stage's own, from
.chalice/config.json, exactly as the functions get it (the shell gives only the region and the
credentials): the bootstrap writes what the functions will read, so it must name the same
table, secrets and key. Before writing anything it checks the stage's table and buckets against
what the infra stack made, since a stage naming others would leave the functions broken too.
Running it again finishes what an interrupted run left undone and otherwise changes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Stack output → the stage variable that must name the same resource.
STACK_NAMES = {"TableName": "TABLE_NAME", "UploadsBucketName": "UPLOADS_BUCKET",
               "QuarantineBucketName": "QUARANTINE_BUCKET"}


class SetupError(Exception):
    """What the operator must fix first, said in one sentence."""


def stage_environment(stage: str, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """The environment variables Chalice deploys the stage's functions with (the file's own and
    the stage's, merged as Chalice merges them)."""
    from chalice.cli.factory import CLIFactory

    config_file = project_dir / ".chalice" / "config.json"
    if not config_file.exists():
        raise SetupError(f"no {config_file}: run this from the project's directory")
    config = CLIFactory(str(project_dir)).create_config_obj(chalice_stage_name=stage)
    if stage not in config.config_from_disk.get("stages", {}):
        raise SetupError(f"the stage {stage!r} is not in .chalice/config.json")
    return dict(config.environment_variables)


def check_against_stack(settings, stack: str) -> None:
    """The stage names the table and buckets the stack made, or SetupError saying what to set."""
    from botocore.exceptions import ClientError

    from chalicelib.adapters import aws

    try:
        found = aws.client(settings, "cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        raise SetupError(f"the stack {stack!r} cannot be read in {settings.aws_region}: "
                         f"{error.response['Error'].get('Message', error)}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}
    stage_values = {"TABLE_NAME": settings.table_name, "UPLOADS_BUCKET": settings.uploads_bucket,
                    "QUARANTINE_BUCKET": settings.quarantine_bucket}
    wrong = [f"{variable}={outputs[output]} (it says {stage_values[variable]})"
             for output, variable in STACK_NAMES.items() if output in outputs and outputs[output] != stage_values[variable]]
    if wrong:
        raise SetupError(f"the stage {settings.stage!r} in .chalice/config.json does not name what the stack {stack!r} "
                         f"made; set {', '.join(wrong)}, deploy the functions again, then run this again")


def bootstrap(root_id: str, root_kind: str, root_name: str, admin_email: str, admin_name: str) -> tuple[str, bool]:
    """The admin's user id, and whether anything was done (False: all there already)."""
    from chalicelib.deps import container
    from chalicelib.domain import credentials as cred
    from chalicelib.domain.people import Grant, Principal

    deps = container()
    root = deps.org.nodes([root_id]).get(root_id)
    made_root = root is None
    if root is None:
        root = deps.org.create_root(root_id, root_kind, root_name)
    admin = Grant("admin", root.id)
    existing_id = deps.users.user_id_for_email(cred.email_address(admin_email))
    existing = deps.users.get(existing_id) if existing_id else None
    if existing is not None and admin in existing.grants:
        return existing.id, made_root
    setup = Principal(user_id="bootstrap", email="", name="satupintu setup", language="id", grants=(admin,))
    user = deps.accounts.invite_staff(setup, admin_email, admin_name, [admin], {root.id: root})
    return user.id, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", required=True, help="the Chalice stage whose configuration to use (prod)")
    parser.add_argument("--stack", default="satupintu", help="the infra stack's name (satupintu)")
    parser.add_argument("--root-id", required=True)
    parser.add_argument("--root-kind", default="org")
    parser.add_argument("--root-name", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-name", required=True)
    args = parser.parse_args(argv)

    from chalicelib.config import ConfigurationError, get_settings, reset_settings

    try:
        os.environ.update(stage_environment(args.stage))
        reset_settings()
        check_against_stack(get_settings(), args.stack)
        user_id, changed = bootstrap(args.root_id, args.root_kind, args.root_name, args.admin_email, args.admin_name)
    except (SetupError, ConfigurationError) as error:
        print(f"bootstrap: {error}", file=sys.stderr)
        return 2
    if changed:
        print(f"root office {args.root_id} ready; invitation sent to {args.admin_email} (user {user_id})")
    else:
        print(f"already set up: root office {args.root_id} exists and {args.admin_email} is its admin "
              f"(user {user_id}); nothing changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
