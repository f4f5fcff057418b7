"""issue 20: admin — the pure rules: an office's region code, granting and revoking a role, and
which delegations rest on a grant."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.delegations import Delegation
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.domain.people import Grant, Principal, User
from chalicelib.domain.regions import office_region_problem
from chalicelib.domain.staff_roles import check_grant, check_revocation, resting_on

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind, code, parent, rule", [
    ("kelurahan", "32.76.06.1002", "32.76.06", None),
    ("kecamatan", "32.76.06", "32.76", None),
    ("kota", "32.76", None, None),
    ("cluster", None, None, None),
    ("office", "32.76", "32.76", None),  # an office of the city itself
    ("kelurahan", None, "32.76.06", "region_required"),
    ("kota", "32.76.06", None, "region_level"),
    ("kecamatan", "32.76.99", "32.76", "region_unknown"),
    ("desa", "32.99.01.2001", None, "region_unknown"),
    ("kecamatan", "32.71.01", "32.76", "region_outside_parent"),
    ("kelurahan", "32.76.01.1001", "32.76.06", "region_outside_parent"),
])
def test_an_office_names_a_real_region_of_its_level_inside_its_parent(kind, code, parent, rule):
    found = office_region_problem(kind, code, parent)
    assert (found[1] if found else None) == rule


def user(*grants: Grant, user_id: str = "usr_a") -> User:
    return User(id=user_id, email=f"{user_id}@example.id", name=user_id, language="id", status="active",
                password_hash=None, created_at=NOW, grants=grants)


def test_a_role_is_granted_once_and_only_a_known_one():
    holder = user(Grant("verifier", "kel-1"))
    assert check_grant(holder, Grant("approver", "kel-1")) is holder
    with pytest.raises(Conflict):
        check_grant(holder, Grant("verifier", "kel-1"))
    with pytest.raises(InvalidInput):
        check_grant(holder, Grant("emperor", "kel-1"))
    with pytest.raises(NotFound):
        check_grant(None, Grant("verifier", "kel-1"))


def test_a_role_is_revoked_only_where_held_and_never_an_admins_own_admin_role():
    admin = Principal(user_id="usr_admin", email="a@example.id", name="A", language="id",
                      grants=(Grant("admin", "org"),))
    holder = user(Grant("verifier", "kel-1"))
    assert check_revocation(admin, holder, Grant("verifier", "kel-1")) is holder
    with pytest.raises(NotFound):
        check_revocation(admin, holder, Grant("verifier", "kel-2"))
    with pytest.raises(Conflict):
        check_revocation(admin, user(Grant("admin", "org"), user_id="usr_admin"), Grant("admin", "org"))
    other_admin = user(Grant("admin", "org"), user_id="usr_b")
    assert check_revocation(admin, other_admin, Grant("admin", "org")) is other_admin


def test_the_delegations_lent_out_of_a_grant_rest_on_it_and_no_others():
    def lent(delegation_id, role, node, delegator="usr_a"):
        return Delegation(id=delegation_id, role=role, node_id=node, delegator_id=delegator, delegator_name="A",
                          delegate_id="usr_x", delegate_name="X", starts_at=NOW, ends_at=NOW + timedelta(days=7),
                          created_at=NOW)

    delegations = [lent("d1", "verifier", "kel-1"), lent("d2", "approver", "kel-1"), lent("d3", "verifier", "kel-2"),
                   lent("d4", "verifier", "kel-1", delegator="usr_other")]
    assert [d.id for d in resting_on(delegations, "usr_a", Grant("verifier", "kel-1"))] == ["d1"]
