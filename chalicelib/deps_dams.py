"""The composition root's dam register: its stores and services (the register, readings,
monitoring obligations, technical documents, inspections), part of deps.Container; built on
first use from what the container holds (settings, clock, outbox, storage, throttles…)."""

from __future__ import annotations

from functools import cached_property


class DamRegisterParts:
    @cached_property
    def asset_store(self):
        from chalicelib.adapters.dynamodb.assets import DynamoAssetStore

        return self._built_on_table(DynamoAssetStore)

    @cached_property
    def assets(self):
        from chalicelib.adapters.dynamodb.assets import DynamoReadingStore
        from chalicelib.services.assets import AssetService

        return AssetService(assets=self.asset_store, org=self.org_store, clock=self.clock,
                            readings=self._built_on_table(DynamoReadingStore), outbox=self.outbox,
                            duty_terms=self.duty_terms, tz=self.settings.org_timezone)

    def duty_terms(self):
        from chalicelib.services.obligations import duty_terms

        return duty_terms(self.catalog)

    @cached_property
    def obligation_store(self):
        from chalicelib.adapters.dynamodb.obligations import DynamoObligationStore

        return self._built_on_table(DynamoObligationStore)

    @cached_property
    def dam_duties(self):
        from chalicelib.services.obligations import DamDutyService

        return DamDutyService(assets=self.asset_store, obligations=self.obligation_store, terms=self.duty_terms,
                              clock=self.clock, tz=self.settings.org_timezone, outbox=self.outbox)

    @cached_property
    def dam_documents(self):
        from chalicelib.services.dam_documents import DamDocumentService

        return DamDocumentService(assets=self.asset_store, documents=self.dam_document_store,
                                  storage=self.storage, throttles=self.throttles, clock=self.clock,
                                  limits=self.upload_limits, metrics=self.metrics,
                                  files_check=lambda: self.documents)

    @cached_property
    def dam_document_store(self):
        from chalicelib.adapters.dynamodb.asset_documents import DynamoDamDocumentStore

        return self._built_on_table(DynamoDamDocumentStore)

    @cached_property
    def inspections(self):
        from chalicelib.adapters.dynamodb.inspections import DynamoInspectionStore
        from chalicelib.services.inspections import InspectionService

        return InspectionService(assets=self.asset_store, inspections=self._built_on_table(DynamoInspectionStore),
                                 documents=self.dam_document_store, outbox=self.outbox, clock=self.clock,
                                 tz=self.settings.org_timezone)

    @cached_property
    def dam_applications(self):
        from chalicelib.adapters.dynamodb.dam_applications import DynamoDamApplicationStore
        from chalicelib.services.dam_applications import DamApplicationService

        return DamApplicationService(assets=self.asset_store, links=self._built_on_table(DynamoDamApplicationStore),
                                     catalog=self.catalog)
