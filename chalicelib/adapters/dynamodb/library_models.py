"""The regulations library's items and the offices' contact details (docs/DATA.md): in the one
table, beside the models of models.py, bound with them (models.every_model)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.adapters.dynamodb.models import Item


class LibraryItem(Item):
    """pk REG#{id}, sk R: an entry (`data`), `version` guarding every change, `entry_words` the
    postings its own fields have; sk V#{version:06d}: what it was before that version;
    sk BODY: the postings of its summary and its document's text (`summary_words`, `text_words`).
    pk REGS, sk {year}#{id}: the entry as listed. pk WORD#{word}, sk {rank}#{id}: a posting."""

    data = JSONAttribute(null=True)
    version = NumberAttribute(null=True)
    entry_words = JSONAttribute(null=True)
    summary_words = UnicodeSetAttribute(null=True)
    text_words = UnicodeSetAttribute(null=True)
    year = NumberAttribute(null=True)
    entry_id = UnicodeAttribute(null=True)


class ContactItem(Item):
    """pk NODE#{id}, sk CONTACT: the office's published contact details."""

    contact = JSONAttribute()


LIBRARY_MODELS = (LibraryItem, ContactItem)
