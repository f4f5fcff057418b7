"""Services built on a `Fakes` as the composition root builds them on the real adapters."""

from __future__ import annotations

import functools
from datetime import timedelta, timezone

from chalicelib.domain.catalog import CATALOG_DIR, Catalog, load_catalog
from chalicelib.services.accounts import AccountRequest, AccountService
from chalicelib.services.applications import ApplicationService
from chalicelib.services.budgets import BudgetService
from chalicelib.services.delegations import DelegationService
from chalicelib.services.documents import DocumentService, OwedFileRemoval, UploadLimits
from chalicelib.services.integration_runs import RunPolicy
from chalicelib.services.integrations import IntegrationService
from chalicelib.services.notifications import NotificationService
from chalicelib.services.registry_sender import RegistrySender
from chalicelib.services.subscription_deliverer import SubscriptionDeliverer
from chalicelib.services.outbox import Outbox
from chalicelib.services.subscriptions import SubscriptionService
from tests.conftest import TEST_CATALOG
from tests.fakes import Fakes, FakeJobQueue

WIB = timezone(timedelta(hours=7))
WEB = "https://portal.example"


@functools.cache
def catalog() -> Catalog:
    return load_catalog(CATALOG_DIR, TEST_CATALOG)


def accounts(f: Fakes, carry_out_requests: bool = True) -> AccountService:
    """With `carry_out_requests`, a queued registration or reset request is carried out as it is
    queued, as if the notification function took it at once."""
    requests = FakeJobQueue()
    service = AccountService(users=f.users, sessions=f.sessions, throttles=f.throttles, hasher=f.hasher,
                             access_tokens=f.access_tokens, keys=f.keys, notifications=f.notifier, clock=f.clock,
                             requests=requests, refresh_token_seconds=30 * 86400, web_base_url=WEB)
    if carry_out_requests:
        requests.on_send = lambda job: service.carry_out(AccountRequest.from_job(job))
    return service


def notifications(f: Fakes) -> NotificationService:
    return NotificationService(notifications=f.notifications, outbox=f.outbox, users=f.users, jobs=f.jobs,
                               mailer=f.mailer, clock=f.clock, web_base_url=WEB, org_name="Satupintu Uji",
                               max_receives=5, retry_base_seconds=30, metrics=f.metrics)


def delegations(f: Fakes) -> DelegationService:
    return DelegationService(delegations=f.delegations, users=f.users, org=f.org, clock=f.clock)


def budgets(f: Fakes) -> BudgetService:
    return BudgetService(budgets=f.budgets, org=f.org, applications=f.applications, catalog=catalog(), clock=f.clock,
                         tz=WIB)


def outbox(f: Fakes) -> Outbox:
    removal = OwedFileRemoval(outbox=f.outbox, storage=f.storage)
    return Outbox(outbox=f.outbox, queues={"notify": f.jobs, "render": FakeJobQueue(), "remove_files": removal},
                  clock=f.clock)


def documents(f: Fakes) -> DocumentService:
    return DocumentService(applications=f.applications, documents=f.documents, storage=f.storage,
                           antivirus=f.antivirus, throttles=f.throttles, outbox=outbox(f), catalog=catalog(),
                           clock=f.clock, limits=UploadLimits(900, 10, 50, 40_000_000, False), metrics=f.metrics)


def integrations(f: Fakes, policy: RunPolicy | None = None, monotonic=None, nik_checked=None) -> IntegrationService:
    """Sleeping and the run's time are the fakes' too: a run never waits, and has time."""
    slept: list[float] = []
    policy = policy or RunPolicy()
    monotonic = monotonic or (lambda: sum(slept))
    told_ops: list = []  # the records ops were told of (failed)
    sender = RegistrySender(sends=f.sends, finance_registry=lambda: f.bios, civil_registry=lambda: f.civil,
                            vault=lambda: f.vault, clock=f.clock, policy=policy, metrics=f.metrics,
                            sleep=slept.append, monotonic=monotonic, on_failed=told_ops.append,
                            nik_checked=nik_checked)
    deliverer = SubscriptionDeliverer(
        sends=f.sends, webhooks=lambda: f.webhooks, subscriptions=f.subscriptions, vault=lambda: f.vault,
        notify_owner=lambda user_id, params: f.notifier.send_direct(user_id, "subscription_paused", params),
        clock=f.clock, policy=policy, monotonic=monotonic,
    )
    service = IntegrationService(sends=f.sends, facts=f.sends, civil=lambda: f.civil, jobs=f.jobs, clock=f.clock, tz=WIB,
                                 registry_sender=lambda: sender, subscription_deliverer=lambda: deliverer)
    service.slept = slept  # type: ignore[attr-defined]
    service.told_ops = told_ops  # type: ignore[attr-defined]
    return service


def subscriptions(f: Fakes) -> SubscriptionService:
    return SubscriptionService(subscriptions=f.subscriptions, org=f.org, vault=lambda: f.vault, sends=f.sends,
                               integrations=lambda: integrations(f), clock=f.clock, tz=WIB, allow_loopback=False)


def applications(f: Fakes, **options) -> ApplicationService:
    return ApplicationService(
        applications=f.applications, org=f.org, documents=documents(f), outbox=outbox(f), budgets=budgets(f),
        pdfs=f.pdfs, catalog=catalog(), clock=f.clock, tz=WIB, vault=lambda: f.vault,
        integrations=lambda: integrations(f), metrics=f.metrics, **options,
    )
