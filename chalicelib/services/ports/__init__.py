"""What the services need from the outside world, and what it hands back, split by theme:

* `common`: the clock, job queues, the values stores hand back, the conditional-write errors;
* `people`: users, sessions, throttles, delegations, notifications, hashing, tokens, mail;
* `casework`: the org tree, applications, documents, the outbox, budgets, PDFs;
* `outside`: object storage, antivirus, the vault, registries, webhooks, the send log and
  subscriptions.

The adapters (chalicelib/adapters) implement these and tests/fakes hold in-memory ones; the
services never import an adapter. Every name is importable from here."""

from chalicelib.services.ports.casework import (
    ApplicationStore,
    BudgetChecks,
    BudgetFiguresSource,
    BudgetStore,
    DocumentStore,
    IntegrationRuns,
    MissingDocuments,
    OrgStore,
    OutboxPublisher,
    OutboxStore,
    PdfStore,
)
from chalicelib.services.ports.common import (
    Attempt,
    ChildLink,
    Clock,
    EmailTaken,
    InboxFilter,
    JobQueue,
    Metrics,
    ObjectGone,
    ObjectTooLarge,
    OutboxKey,
    ParentMissing,
    PdfRecord,
    SequenceTaken,
    Session,
    SiblingNameTaken,
    StaleApplication,
    StaleBudget,
    StoredCode,
    TokenRefused,
    TrackingCodeTaken,
)
from chalicelib.services.ports.outside import (
    Antivirus,
    AntivirusVerdict,
    FinanceRegistryClient,
    CivilRegistryClient,
    DayFactStore,
    ObjectStorage,
    SendStore,
    StoredObject,
    SubscriptionStore,
    Vault,
    WebhookClient,
)
from chalicelib.services.ports.people import (
    AccessClaims,
    AccessTokens,
    DelegationStore,
    DirectNotifier,
    KeySource,
    Mailer,
    NotificationStore,
    PasswordHasher,
    SessionStore,
    ThrottleStore,
    UserStore,
)

__all__ = [
    "AccessClaims", "AccessTokens", "Antivirus", "Attempt", "AntivirusVerdict", "ApplicationStore", "FinanceRegistryClient", "BudgetChecks",
    "BudgetFiguresSource", "BudgetStore", "ChildLink", "CivilRegistryClient", "Clock", "DayFactStore", "DelegationStore",
    "DirectNotifier", "DocumentStore", "EmailTaken", "InboxFilter", "IntegrationRuns", "JobQueue", "KeySource",
    "Mailer", "Metrics", "MissingDocuments", "NotificationStore", "ObjectGone", "ObjectStorage", "ObjectTooLarge", "OrgStore",
    "OutboxKey", "OutboxPublisher", "OutboxStore", "ParentMissing", "PasswordHasher", "PdfRecord", "PdfStore",
    "SendStore", "SequenceTaken", "Session", "SessionStore", "SiblingNameTaken", "StaleApplication", "StaleBudget",
    "StoredCode", "StoredObject", "SubscriptionStore", "ThrottleStore", "TokenRefused", "TrackingCodeTaken",
    "UserStore", "Vault", "WebhookClient",
]
