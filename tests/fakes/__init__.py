"""In-memory fakes of every port (services/ports), one module per theme, and `Fakes`: one
of each, wired together as the composition root wires the real ones (the document store
beside the application store, the send log fed by application changes…), on a fixed clock.

Unit tests build services on these (tests/fakes/services.py); tests/integration/
test_store_contracts.py holds each fake to the behaviour of its DynamoDB store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from tests.fakes.applications import FakeApplicationStore
from tests.fakes.casework import FakeBudgetStore, FakeDocumentStore, FakeOrgStore, FakeOutboxStore, FakePdfStore
from tests.fakes.outside import (
    FakeAccessTokens,
    FakeAntivirus,
    FakeBios,
    FakeCivilRegistry,
    FakeHasher,
    FakeJobQueue,
    FakeKeys,
    FakeMailer,
    FakeMetrics,
    FakeNotifier,
    FakeStorage,
    FakeVault,
    FakeWebhooks,
    FixedClock,
)
from tests.fakes.paging import ConditionFailed
from tests.fakes.people import (
    FakeDelegationStore,
    FakeNotificationStore,
    FakeSessionStore,
    FakeThrottleStore,
    FakeUserStore,
)
from tests.fakes.sends import FakeSendStore, FakeSubscriptionStore

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


@dataclass
class Fakes:
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    users: FakeUserStore = field(default_factory=FakeUserStore)
    sessions: FakeSessionStore = field(default_factory=FakeSessionStore)
    throttles: FakeThrottleStore = field(default_factory=FakeThrottleStore)
    notifications: FakeNotificationStore = field(default_factory=FakeNotificationStore)
    org: FakeOrgStore = field(default_factory=FakeOrgStore)
    outbox: FakeOutboxStore = field(default_factory=FakeOutboxStore)
    sends: FakeSendStore = field(default_factory=FakeSendStore)
    subscriptions: FakeSubscriptionStore = field(default_factory=FakeSubscriptionStore)
    budgets: FakeBudgetStore = field(default_factory=FakeBudgetStore)
    pdfs: FakePdfStore = field(default_factory=FakePdfStore)
    jobs: FakeJobQueue = field(default_factory=FakeJobQueue)
    storage: FakeStorage = field(default_factory=FakeStorage)
    antivirus: FakeAntivirus = field(default_factory=FakeAntivirus)
    vault: FakeVault = field(default_factory=FakeVault)
    mailer: FakeMailer = field(default_factory=FakeMailer)
    hasher: FakeHasher = field(default_factory=FakeHasher)
    access_tokens: FakeAccessTokens = field(default_factory=FakeAccessTokens)
    keys: FakeKeys = field(default_factory=FakeKeys)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    webhooks: FakeWebhooks = field(default_factory=FakeWebhooks)
    bios: FakeBios = field(default_factory=FakeBios)
    civil: FakeCivilRegistry = field(default_factory=FakeCivilRegistry)
    metrics: FakeMetrics = field(default_factory=FakeMetrics)

    def __post_init__(self) -> None:
        self.applications = FakeApplicationStore(self.outbox, self.sends)
        self.documents = FakeDocumentStore(self.applications)
        self.delegations = FakeDelegationStore(self.users)
        self.sessions.users = self.users
        self.notifications.outbox = self.outbox
        self.pdfs.outbox = self.outbox

    def settle_counters(self) -> int:
        return 0  # the fake store counts as each change is saved: nothing waits to be counted


__all__ = [
    "NOW", "ConditionFailed", "FakeAccessTokens", "FakeAntivirus", "FakeApplicationStore", "FakeBios", "FakeBudgetStore",
    "FakeCivilRegistry", "FakeDelegationStore", "FakeDocumentStore", "FakeHasher", "FakeJobQueue", "FakeKeys",
    "FakeMailer", "FakeMetrics", "FakeNotificationStore", "FakeNotifier", "FakeOrgStore", "FakeOutboxStore", "FakePdfStore",
    "FakeSendStore", "FakeSessionStore", "FakeStorage", "FakeSubscriptionStore", "FakeThrottleStore", "FakeUserStore",
    "FakeVault", "FakeWebhooks", "Fakes", "FixedClock",
]
