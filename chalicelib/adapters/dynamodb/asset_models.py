"""The dam register's items (docs/DATA.md): in the one table, beside the models of models.py,
bound with them (models.every_model)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.adapters.dynamodb.models import Item, due_index, kind_index


class AssetItem(Item):
    """pk ASSET#{id}, sk A: a dam. Its record is `dam` (domain/assets.py); beside it the
    attributes lists filter on, and its place in the register's list (the `by_kind` index,
    partition ASSETS, by name)."""

    dam = JSONAttribute()
    status = UnicodeAttribute()
    province_code = UnicodeAttribute()
    node_path = ListAttribute(of=UnicodeAttribute)
    search = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    kind_key = UnicodeAttribute()
    name_key = UnicodeAttribute()
    version = NumberAttribute()
    by_kind = kind_index


class AssetHistoryItem(Item):
    """pk ASSET#{id}, sk H#{version:08d}: one change of a dam; H#{version:08d}.{UTC time}: an event
    at that version (a document uploaded or scanned). Put once, never updated."""

    at = UTCDateTimeAttribute()
    actor_id = UnicodeAttribute()
    actor_name = UnicodeAttribute()
    action = UnicodeAttribute()
    changes = JSONAttribute()
    application_id = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    document_id = UnicodeAttribute(null=True)


class AssetCodeItem(Item):
    """pk ASSETCODE#{register code}, sk C: claims a register code for one dam."""

    asset_id = UnicodeAttribute()


MODELS = (AssetItem, AssetHistoryItem, AssetCodeItem)


class ReadingItem(Item):
    """pk ASSET#{id}, sk R#{YYYY-MM-DD}: one dam-day of operational readings, so a range of days
    is one Query between two sort keys (reads proportional to the range, not the history)."""

    values = JSONAttribute()
    entered_by = UnicodeAttribute()
    entered_at = UTCDateTimeAttribute()


MODELS = MODELS + (ReadingItem,)


class ObligationItem(Item):
    """pk ASSET#{id}, sk O#{period's first day}#{period}: a dam's monitoring obligation for one
    period, beside the dam (its list is one Query, oldest first). While it has a step ahead
    (open the next period's, remind, mark overdue) it is in the `due` index, partition
    DAM-DUTY#{shard}, by that step's time: the daily watch reads only what falls due."""

    period = UnicodeAttribute()
    dam_name = UnicodeAttribute()
    node_path = ListAttribute(of=UnicodeAttribute)
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()
    remind_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    application_id = UnicodeAttribute(null=True)
    reminded = BooleanAttribute()
    next_opened = BooleanAttribute()
    version = NumberAttribute()
    due_key = UnicodeAttribute(null=True)
    due_sort = UnicodeAttribute(null=True)
    due = due_index


class AssetDocumentItem(Item):
    """pk ASSET#{id}, sk DOC#{document}: a dam's technical document (`document`, as
    domain/dam_documents.py has it), beside the dam so listing them is one Query; `status` and
    `version` guard the scan's moves."""

    document = JSONAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute()


MODELS = MODELS + (AssetDocumentItem,)


class InspectionItem(Item):
    """pk ASSET#{id}, sk INSP#{inspection}: one inspection (`inspection`, as domain/inspections.py
    has it), beside the dam; ids sort by time, so newest recorded first is a descending Query.
    `version` guards the follow-ups of its recommendations."""

    inspection = JSONAttribute()
    version = NumberAttribute()


class DutyItem(Item):
    """pk ASSET#{id}, sk DUTY#{inspection}#{nn}: a recommendation not yet told overdue; sk
    DUTY#NEXT: the dam's next inspection, as its latest inspection (`inspected_on`) set it.
    In the `due` index (partitions DAM-DUE#{shard}, by due date) only while it is neither done nor told:
    the daily look at what fell due reads what is due, never every dam."""

    asset_id = UnicodeAttribute()
    inspection_id = UnicodeAttribute()
    slot = UnicodeAttribute()
    due_date = UnicodeAttribute()
    text = UnicodeAttribute(null=True)
    inspected_on = UnicodeAttribute(null=True)
    told_at = UTCDateTimeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    due_sort = UnicodeAttribute(null=True)
    due = due_index


MODELS = MODELS + (ObligationItem, InspectionItem, DutyItem)


class DamApplicationItem(Item):
    """pk ASSET#{id}, sk APP#{filed UTC time}#{application}: an application whose form names the
    dam, beside it (put in the application's own transaction when it comes to name the dam,
    deleted when it names another). Only the id: the page reads the applications themselves."""

    application_id = UnicodeAttribute()


MODELS = MODELS + (DamApplicationItem,)
