"""The workouts table's stream consumer (a Lambda event source mapping with ReportBatchItemFailures): each change
of a workout becomes one event on the environment's EventBridge bus (`logic.changes`)."""

from __future__ import annotations

from typing import Any

from workout_log.models.settings import PublishSettings, publish_settings
from workout_log.observability import logger, metrics, with_metrics, with_tracing

# The environment variables this function reads (tests/contract checks Terraform sets exactly these).
SETTINGS = PublishSettings


@logger.inject_lambda_context
@with_metrics
@with_tracing
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from workout_log.aws import events_client
    from workout_log.logic.changes import publish

    settings = publish_settings()
    metrics.namespace, metrics.service = settings.metrics_namespace, settings.service_name
    failed = publish(
        event["Records"], events_client(), settings.event_bus_name, settings.event_source,
        settings.publish_notes == "true",
    )  # fmt: skip
    # Lambda retries from the first failure on (and, after the retries, sends the batch to the dead-letter queue).
    return {"batchItemFailures": [] if failed is None else [{"itemIdentifier": failed}]}
