"""issue 20: admin — the staff roll of each office (docs/DATA.md): in the one table, beside the
models of models.py, bound with them (models.every_model)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.adapters.dynamodb.models import Item
from chalicelib.domain.people import Grant


class StaffRollItem(Item):
    """pk STAFF#{node}, sk {user}#{role}: a role held at the office, written and removed in the
    transaction that writes or removes the grant (USER#{user} GRANT#{node}#{role}), so "who holds
    what here" is one Query a page."""

    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    node_id = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()


def roll_key(node_id: str) -> str:
    return f"STAFF#{node_id}"


def roll_item(user_id: str, grant: Grant, granted_by: str, at: datetime) -> StaffRollItem:
    return StaffRollItem(roll_key(grant.node_id), f"{user_id}#{grant.role}", user_id=user_id, role=grant.role,
                         node_id=grant.node_id, granted_by=granted_by, granted_at=at)


MODELS = (StaffRollItem,)
