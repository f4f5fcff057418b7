"""Set up a new deployment's organisation: its root office and its first administrator, who
gets an invitation e-mail to set a password and then opens every other office through the API.

  python -m infra.bootstrap --root-id pemkot-depok --root-kind org --root-name "Pemerintah Kota Depok" \
      --admin-email admin@depok.go.id --admin-name "Admin satupintu"

Runs with the operator's AWS credentials against the stage's resources; the environment needs
the stage's settings (STAGE, TABLE_NAME, APP_SECRET_ID, MAIL_FROM, WEB_BASE_URL, AWS_DEFAULT_REGION).
"""

from __future__ import annotations

import argparse

from chalicelib.deps import container
from chalicelib.domain.people import Grant, Principal


def bootstrap(root_id: str, root_kind: str, root_name: str, admin_email: str, admin_name: str) -> str:
    deps = container()
    root = deps.org.create_root(root_id, root_kind, root_name)
    setup = Principal(user_id="bootstrap", email="", name="satupintu setup", language="id",
                      grants=(Grant("admin", root.id),))
    user = deps.accounts.invite_staff(setup, admin_email, admin_name, [Grant("admin", root.id)], {root.id: root})
    return user.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root-id", required=True)
    parser.add_argument("--root-kind", default="org")
    parser.add_argument("--root-name", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-name", required=True)
    args = parser.parse_args()
    user_id = bootstrap(args.root_id, args.root_kind, args.root_name, args.admin_email, args.admin_name)
    print(f"root office {args.root_id} created; invitation sent to {args.admin_email} (user {user_id})")


if __name__ == "__main__":
    main()
