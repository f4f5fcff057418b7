"""The old name of domain/integrations.py, kept only for chalicelib/adapters/dynamodb/ (being
split into per-aggregate modules by another change) until its imports name
`chalicelib.domain.integrations`. Nothing else imports this module; delete it then."""

from chalicelib.domain.integrations import FAILED, PENDING, REJECTED_RECORD, SAVED, SENT, Outcome, SendEntry

__all__ = ["FAILED", "PENDING", "REJECTED_RECORD", "SAVED", "SENT", "Outcome", "SendEntry"]
