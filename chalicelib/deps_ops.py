"""The composition root's operations parts (the queues' counts and redrive, the scheduled
functions' runs), part of deps.Container; built on first use."""

from __future__ import annotations

from functools import cached_property


class OperationsParts:
    @cached_property
    def schedule_run_store(self):
        from chalicelib.adapters.dynamodb.schedule_runs import DynamoScheduleRunStore

        return self._built_on_table(DynamoScheduleRunStore)

    @cached_property
    def queue_admin(self):
        from chalicelib.adapters.queue_admin import SqsQueueAdmin

        return SqsQueueAdmin(self.settings)

    def operations_for(self, app):
        """The service, with the app whose @app.schedule functions it reports on."""
        from chalicelib import local_runtime
        from chalicelib.services.operations import OperationsService

        return OperationsService(queues=self.queue_admin, schedule_runs=self.schedule_run_store,
                                 schedules=lambda: local_runtime.scheduled_functions(app))
