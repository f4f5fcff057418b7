"""The composition root: every adapter and service, built on first use from settings and
kept for the life of the process (a Lambda container, or the local server)."""

from __future__ import annotations

import functools
from functools import cached_property
from pathlib import Path

from chalicelib.config import Settings, get_settings, reset_settings
from chalicelib.deps_dams import DamRegisterParts
from chalicelib.deps_ops import OperationsParts
from chalicelib.queues import ACCOUNT_QUEUE, INTEGRATION_QUEUE, NOTIFICATION_QUEUE, RENDER_QUEUE, SCAN_QUEUE


class Container(DamRegisterParts, OperationsParts):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def clock(self):
        from chalicelib.adapters.clock import OffsetFileClock, SystemClock

        if self.settings.clock_offset_file:
            return OffsetFileClock(self.settings.clock_offset_file)
        return SystemClock()

    @cached_property
    def catalog(self):
        from chalicelib.domain.catalog import CATALOG_DIR, load_catalog

        directories = [CATALOG_DIR]
        if self.settings.extra_catalog_dir:
            directories.append(Path(self.settings.extra_catalog_dir))
        return load_catalog(*directories)

    @cached_property
    def keys(self):
        from chalicelib.adapters.secret_store import CachedSecret
        from chalicelib.domain.credentials import KeyRing

        # Read again every 5 minutes: a rotated signing key reaches running containers.
        return CachedSecret(self.settings, self.settings.app_secret_id, 300, KeyRing.from_secret)

    @cached_property
    def _models(self):
        """The pynamodb models, bound to the configured table once, before any store uses them."""
        from chalicelib.adapters.dynamodb import models

        models.bind(self.settings.table_name, self.settings.aws_region, self.settings.aws_endpoint_url,
                    self.settings.dynamodb_read_timeout_seconds)
        return models

    def _built_on_table(self, store_class):
        self._models  # noqa: B018 (binds the models on first use)
        return store_class()

    @cached_property
    def users(self):
        from chalicelib.adapters.dynamodb.users import DynamoUserStore

        return self._built_on_table(DynamoUserStore)

    @cached_property
    def sessions(self):
        from chalicelib.adapters.dynamodb.sessions import DynamoSessionStore

        return self._built_on_table(DynamoSessionStore)

    @cached_property
    def throttles(self):
        from chalicelib.adapters.dynamodb.throttles import DynamoThrottleStore

        return self._built_on_table(DynamoThrottleStore)

    @cached_property
    def org_store(self):
        from chalicelib.adapters.dynamodb.org import DynamoOrgStore

        return self._built_on_table(DynamoOrgStore)

    @cached_property
    def application_store(self):
        from chalicelib.adapters.dynamodb.applications import DynamoApplicationStore

        return self._built_on_table(DynamoApplicationStore)

    @cached_property
    def counter_tally(self):
        from chalicelib.adapters.dynamodb.counters import DynamoCounterTally

        return self._built_on_table(DynamoCounterTally)

    @cached_property
    def document_store(self):
        from chalicelib.adapters.dynamodb.documents import DynamoDocumentStore

        return self._built_on_table(DynamoDocumentStore)

    @cached_property
    def delegation_store(self):
        from chalicelib.adapters.dynamodb.users import DynamoDelegationStore

        return self._built_on_table(DynamoDelegationStore)

    @cached_property
    def outbox_store(self):
        from chalicelib.adapters.dynamodb.outbox import DynamoOutboxStore

        return self._built_on_table(DynamoOutboxStore)

    @cached_property
    def notification_store(self):
        from chalicelib.adapters.dynamodb.notifications import DynamoNotificationStore

        return self._built_on_table(DynamoNotificationStore)

    @cached_property
    def budget_store(self):
        from chalicelib.adapters.dynamodb.budgets import DynamoBudgetStore

        return self._built_on_table(DynamoBudgetStore)

    @cached_property
    def pdf_store(self):
        from chalicelib.adapters.dynamodb.pdfs import DynamoPdfStore

        return self._built_on_table(DynamoPdfStore)

    @cached_property
    def day_fact_store(self):
        from chalicelib.adapters.dynamodb.day_facts import DynamoDayFactStore

        return self._built_on_table(DynamoDayFactStore)

    @cached_property
    def send_log_store(self):
        from chalicelib.adapters.dynamodb.send_log import DynamoSendLogStore

        return self._built_on_table(DynamoSendLogStore)

    @cached_property
    def survey_store(self):
        from chalicelib.adapters.dynamodb.surveys import DynamoSurveyStore

        return self._built_on_table(DynamoSurveyStore)

    @cached_property
    def registry_inputs(self):
        from chalicelib.services.registry_inputs import RegistryInputService

        return RegistryInputService(sends=self.send_log_store, org=self.org_store, clock=self.clock,
                                    tz=self.settings.org_timezone)

    @cached_property
    def surveys(self):
        from chalicelib.services.surveys import SurveyService

        return SurveyService(surveys=self.survey_store, applications=self.application_store, catalog=self.catalog,
                             clock=self.clock, tz=self.settings.org_timezone, integrations=self.get_integrations)

    @cached_property
    def subscription_store(self):
        from chalicelib.adapters.dynamodb.subscriptions import DynamoSubscriptionStore

        self._models  # noqa: B018 (binds the models on first use)
        return DynamoSubscriptionStore(clock=self.clock)

    @cached_property
    def vault(self):
        from chalicelib.adapters.vault import KmsVault

        return KmsVault(self.settings)

    @cached_property
    def webhooks(self):
        from chalicelib.adapters.webhooks import WebhookClient

        return WebhookClient(self.settings.webhook_timeout_seconds, allow_loopback=self.settings.stage == "local")

    @cached_property
    def subscriptions(self):
        from chalicelib.services.subscriptions import SubscriptionService

        return SubscriptionService(
            subscriptions=self.subscription_store, org=self.org_store, vault=self.get_vault, sends=self.send_log_store,
            integrations=self.get_integrations, clock=self.clock, tz=self.settings.org_timezone,
            allow_loopback=self.settings.stage == "local",
        )

    @cached_property
    def integration_jobs(self):
        from chalicelib.adapters.job_queue import SqsJobQueue

        return SqsJobQueue(self.settings, INTEGRATION_QUEUE)

    @cached_property
    def finance_registry_client(self):
        settings = self.settings
        if not (settings.bios_base_url and settings.bios_satker and (settings.bios_key or settings.bios_key_secret_id)):
            return None
        from chalicelib.adapters.registries import FinanceRegistryClient

        def key() -> str:
            if settings.bios_key:
                return settings.bios_key
            from chalicelib.adapters.secret_store import read_secret

            return read_secret(settings, settings.bios_key_secret_id)

        return FinanceRegistryClient(settings.bios_base_url, settings.bios_satker, key, settings.registry_timeout_seconds)

    @cached_property
    def civil_registry_client(self):
        settings = self.settings
        if not settings.civil_registry_base_url:
            return None
        from chalicelib.adapters.registries import CircuitBreaker, CivilRegistryClient

        return CivilRegistryClient(settings.civil_registry_base_url, settings.registry_timeout_seconds,
                                   settings.nik_check_timeout_seconds, CircuitBreaker())

    @cached_property
    def run_policy(self):
        from chalicelib.services.integration_runs import RunPolicy

        return RunPolicy(retry_base_seconds=self.settings.registry_retry_base_seconds,
                         retry_cap_seconds=self.settings.registry_retry_cap_seconds)

    @cached_property
    def registry_sender(self):
        from chalicelib.services.registry_sender import RegistrySender

        return RegistrySender(sends=self.send_log_store, finance_registry=self.get_finance_registry_client,
                              civil_registry=self.get_civil_registry_client, vault=self.get_vault, clock=self.clock,
                              policy=self.run_policy, metrics=self.metrics, on_failed=self.tell_ops_record_failed,
                              nik_checked=lambda app_id, field, result: self.applications.record_nik_check(
                                  app_id, field, result))

    @cached_property
    def subscription_deliverer(self):
        from chalicelib.services.subscription_deliverer import SubscriptionDeliverer

        return SubscriptionDeliverer(sends=self.send_log_store, webhooks=self.get_webhooks,
                                     subscriptions=self.subscription_store, vault=self.get_vault,
                                     notify_owner=self.tell_owner_subscription_paused, clock=self.clock,
                                     policy=self.run_policy)

    @cached_property
    def integrations(self):
        from chalicelib.services.integrations import IntegrationService

        return IntegrationService(
            sends=self.send_log_store, facts=self.day_fact_store, civil=self.get_civil_registry_client, jobs=self.integration_jobs, clock=self.clock,
            tz=self.settings.org_timezone, registry_sender=self.get_registry_sender,
            subscription_deliverer=self.get_subscription_deliverer,
        )

    # ---- providers --------------------------------------------------------------------------
    # What a service is handed as a callable rather than built up front: each is built on the
    # first call (and kept, as every part here is), so a request that does not need it never
    # pays for it, and a part whose configuration is missing fails only the use that needs it.

    def get_vault(self):
        """The PII vault (KMS): only approvals, NIK-carrying registry events and subscription
        secrets open or seal anything; most requests never do."""
        return self.vault

    def get_integrations(self):
        """The integration service: applications and subscriptions only nudge a run after a
        change that owes something; building it pulls in the registry clients' settings."""
        return self.integrations

    def get_registry_sender(self):
        """The registries' sender: only a run of the finance or civil registry needs it."""
        return self.registry_sender

    def get_subscription_deliverer(self):
        """The subscriptions' deliverer: only a run of the subscriptions target needs it."""
        return self.subscription_deliverer

    def get_finance_registry_client(self):
        """The finance registry's client, or None when BIOS_* is not configured (its records
        wait; only its run fails). Its key may be a secret read on first use."""
        return self.finance_registry_client

    def get_civil_registry_client(self):
        """The civil registry's client, or None when it is not configured (as above)."""
        return self.civil_registry_client

    def get_webhooks(self):
        """The HTTP client that delivers subscriptions: only the subscriptions run needs it."""
        return self.webhooks

    def get_account_codes(self):
        """The finance account code per spending category, read from the settings when an
        approval owes the finance registry an expenditure (not when the service is built)."""
        return self.settings.account_codes

    def subscription_deliveries_for(self, change):
        """The deliveries a change owes the subscriptions that want its event (read at save
        time: the subscription service is built only then)."""
        return self.subscriptions.deliveries_for(change)

    def tell_owner_subscription_paused(self, user_id: str, params: dict) -> None:
        """A sender paused a subscription: its owner is told (the notification service is built
        only when that happens)."""
        self.notifications.send_direct(user_id, "subscription_paused", params)

    def tell_ops_record_failed(self, entry) -> None:
        """A registry refused a record for good: ops at or above its office are told at once
        (the notification service is built only when that happens)."""
        from chalicelib.domain.integrations import failed_record_notice

        params, source = failed_record_notice(entry)
        self.notifications.tell_role_along("ops", entry.node_path, "registry_record_failed", params, source,
                                           at=entry.updated_at)

    @cached_property
    def notification_idempotency_store(self):
        """Powertools' record of the notification deliveries made (workers/notifications.py),
        kept in the app's table under its own partition."""
        from chalicelib.adapters.dynamodb.shards import NOTIFICATION_IDEMPOTENCY_SHARDS

        return self._idempotency_store("IDEMPOTENCY#notification", NOTIFICATION_IDEMPOTENCY_SHARDS)

    @cached_property
    def account_request_idempotency_store(self):
        """The account requests carried out (workers/notifications.py). A store of its own:
        Powertools configures a persistence layer once, with one idempotency key."""
        from chalicelib.adapters.dynamodb.shards import ACCOUNT_REQUEST_IDEMPOTENCY_SHARDS

        return self._idempotency_store("IDEMPOTENCY#account-request", ACCOUNT_REQUEST_IDEMPOTENCY_SHARDS)

    def _idempotency_store(self, partition: str, shards: int):
        from chalicelib.adapters import aws
        from chalicelib.adapters.dynamodb.idempotency import ShardedIdempotencyStore

        return ShardedIdempotencyStore(
            table_name=self.settings.table_name, partition=partition, shards=shards, expiry_attr="expires_ttl",
            boto3_client=aws.client(self.settings, "dynamodb"),
        )

    @cached_property
    def storage(self):
        from chalicelib.adapters.storage import S3Storage

        return S3Storage(self.settings)

    @cached_property
    def antivirus(self):
        if self.settings.antivirus_engine == "guardduty":
            from chalicelib.adapters.guardduty import GuardDutyTags

            return GuardDutyTags(self.settings)
        from chalicelib.adapters.antivirus import ClamAv

        return ClamAv(self.settings)

    @cached_property
    def scan_jobs(self):
        """The scan queue, to put off a message whose file awaits its malware verdict."""
        from chalicelib.adapters.job_queue import SqsJobQueue

        return SqsJobQueue(self.settings, SCAN_QUEUE)

    @cached_property
    def metrics(self):
        """Business metrics: embedded-metric lines for CloudWatch on AWS, log lines locally."""
        from chalicelib.adapters.metrics import EmfMetrics, LoggedMetrics

        return LoggedMetrics() if self.settings.is_local_stage else EmfMetrics(self.settings.stage)

    @cached_property
    def notification_jobs(self):
        from chalicelib.adapters.job_queue import SqsJobQueue

        return SqsJobQueue(self.settings, NOTIFICATION_QUEUE)

    @cached_property
    def account_jobs(self):
        from chalicelib.adapters.job_queue import SqsJobQueue

        return SqsJobQueue(self.settings, ACCOUNT_QUEUE)

    @cached_property
    def render_jobs(self):
        from chalicelib.adapters.job_queue import SqsJobQueue

        return SqsJobQueue(self.settings, RENDER_QUEUE)

    @cached_property
    def outbox(self):
        from chalicelib.services.documents import OwedFileRemoval
        from chalicelib.services.outbox import Outbox

        removal = OwedFileRemoval(outbox=self.outbox_store, storage=self.storage)
        return Outbox(outbox=self.outbox_store, queues={"notify": self.notification_jobs, "render": self.render_jobs,
                                                        "remove_files": removal}, clock=self.clock)

    @cached_property
    def mailer(self):
        from chalicelib.adapters.mailer import SesMailer

        return SesMailer(self.settings)

    @cached_property
    def password_hasher(self):
        """argon2id at the cost the stage hashes at (Settings.password_hashing): the account
        service, the demo seed and the tests' accounts all hash with this one."""
        from chalicelib.adapters.passwords import Argon2PasswordHasher

        return Argon2PasswordHasher(self.settings.password_hashing)

    @cached_property
    def accounts(self):
        from chalicelib.adapters.tokens import JwtAccessTokens
        from chalicelib.services.accounts import AccountService

        tokens = JwtAccessTokens(
            self.keys, self.clock, self.settings.jwt_issuer, self.settings.jwt_audience,
            self.settings.access_token_seconds,
        )
        return AccountService(
            users=self.users, sessions=self.sessions, throttles=self.throttles, hasher=self.password_hasher,
            access_tokens=tokens, keys=self.keys, notifications=self.notifications, clock=self.clock,
            # Registrations and reset requests are carried out off the request's path.
            requests=self.account_jobs,
            refresh_token_seconds=self.settings.refresh_token_seconds, web_base_url=self.settings.web_base_url,
        )

    @cached_property
    def notifications(self):
        from chalicelib.services.notifications import NotificationService

        settings = self.settings
        return NotificationService(
            notifications=self.notification_store, outbox=self.outbox_store, users=self.users,
            jobs=self.notification_jobs, mailer=self.mailer, clock=self.clock, web_base_url=settings.web_base_url,
            org_name=settings.org_name, max_receives=settings.notification_max_receives,
            retry_base_seconds=settings.notification_retry_base_seconds, metrics=self.metrics,
        )

    @cached_property
    def delegations(self):
        from chalicelib.services.delegations import DelegationService

        return DelegationService(delegations=self.delegation_store, users=self.users, org=self.org_store,
                                 clock=self.clock)

    @cached_property
    def staff(self):
        """issue 20: admin — offices' staff rolls, granting and revoking roles."""
        from chalicelib.adapters.dynamodb.staff import DynamoStaffStore
        from chalicelib.services.admin_staff import StaffService

        return StaffService(staff=self._built_on_table(DynamoStaffStore), users=self.users,
                            delegations=self.delegation_store, org=self.org_store, notifications=self.notifications,
                            clock=self.clock, web_base_url=self.settings.web_base_url)

    @cached_property
    def subscription_deliveries(self):
        """issue 20: admin — a subscription's deliveries."""
        from chalicelib.adapters.dynamodb.subscription_deliveries import DynamoSubscriptionDeliveries
        from chalicelib.services.admin_deliveries import DeliveryLog

        return DeliveryLog(subscriptions=lambda: self.subscriptions,
                           deliveries=self._built_on_table(DynamoSubscriptionDeliveries))

    @cached_property
    def org(self):
        from chalicelib.services.org import OrgService

        return OrgService(org=self.org_store, clock=self.clock)

    @cached_property
    def applications(self):
        from chalicelib.services.applications import ApplicationService

        return ApplicationService(
            applications=self.application_store, org=self.org_store, documents=self.documents, catalog=self.catalog,
            outbox=self.outbox, budgets=self.budgets, pdfs=self.pdf_store, clock=self.clock,
            tz=self.settings.org_timezone, account_codes=self.get_account_codes,
            integrations=self.get_integrations, vault=self.get_vault,
            deliveries=self.subscription_deliveries_for, metrics=self.metrics, person_by_email=self.person_by_email,
            assets=self.asset_store, obligations=self.obligation_store,
        )

    def person_by_email(self, email: str):
        """An account by its address, with its own roles (a reassignment names its person)."""
        user_id = self.users.user_id_for_email(email)
        return self.users.get(user_id) if user_id else None

    @cached_property
    def budgets(self):
        from chalicelib.services.budgets import BudgetService

        return BudgetService(budgets=self.budget_store, org=self.org_store, applications=self.application_store,
                             catalog=self.catalog, clock=self.clock, tz=self.settings.org_timezone)

    @cached_property
    def budget_recap(self):
        from chalicelib.services.budget_recap import BudgetRecapService

        return BudgetRecapService(applications=self.application_store, org=self.org_store)

    @cached_property
    def rendering(self):
        from chalicelib.services.rendering import RenderService

        def pdf_adapter():
            # fpdf2, Pillow and segno load in the render function only, on its first PDF.
            from chalicelib.adapters import pdf

            return pdf

        settings = self.settings
        return RenderService(
            applications=self.application_store, documents=self.document_store, org=self.org_store,
            budgets=self.budgets, pdfs=self.pdf_store, storage=self.storage, outbox=self.outbox_store,
            jobs=self.render_jobs, catalog=self.catalog, clock=self.clock, tz=settings.org_timezone,
            org_name=settings.org_name, web_base_url=settings.web_base_url,
            verify_base_url=settings.verify_base_url or settings.web_base_url,
            max_receives=settings.render_max_receives, pdf_adapter=pdf_adapter, assets=self.asset_store,
        )

    @cached_property
    def library_store(self):
        from chalicelib.adapters.dynamodb.library import DynamoLibraryStore

        return self._built_on_table(DynamoLibraryStore)

    @cached_property
    def library(self):
        from chalicelib.services.library import LibraryService

        def extract_text(data: bytes):
            # pypdf loads in the scan function only, on the first library PDF.
            from chalicelib.adapters.pdf_text import extract_text as extract

            return extract(data)

        return LibraryService(store=self.library_store, storage=self.storage, clock=self.clock,
                              files_check=lambda: self.documents, extract_text=extract_text)

    @cached_property
    def contacts(self):
        from chalicelib.services.contacts import ContactService

        return ContactService(org=self.org_store, store=self.library_store)

    @cached_property
    def documents(self):
        from chalicelib.services.documents import DocumentService

        return DocumentService(
            applications=self.application_store, documents=self.document_store, storage=self.storage,
            antivirus=self.antivirus, throttles=self.throttles, outbox=self.outbox,
            catalog=self.catalog, clock=self.clock, limits=self.upload_limits, metrics=self.metrics,
        )

    @cached_property
    def upload_limits(self):
        """Every upload's: an application's documents and a dam's."""
        from chalicelib.services.documents import UploadLimits

        settings = self.settings
        return UploadLimits(
            upload_url_seconds=settings.upload_url_seconds, per_application=settings.documents_per_application,
            per_user_per_day=settings.uploads_per_user_per_day, max_image_pixels=settings.max_image_pixels,
            keep_image_originals=settings.keep_image_originals, verdict_tries=settings.malware_verdict_tries,
            verdict_retry_base_seconds=settings.malware_verdict_retry_base_seconds,
        )


@functools.cache
def container() -> Container:
    return Container(get_settings())


def reset() -> None:
    """Forget every built adapter and the settings (tests and the local stack change them)."""
    from chalicelib.adapters import aws

    container.cache_clear()
    reset_settings()
    aws.reset_clients()
