"""POST /workouts: validate a workout log and store it with its user's aggregates, once per Idempotency-Key."""

from __future__ import annotations

import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.logging import correlation_paths

from workout_log import api
from workout_log.http_errors import invalid
from workout_log.logic.access import ensure_may_act_for
from workout_log.models.settings import ProcessSettings, process_settings
from workout_log.models.workout import Workout, WorkoutIn
from workout_log.observability import logger, metrics, with_tracing

# The environment variables this function reads (tests/contract checks Terraform sets exactly these).
SETTINGS = ProcessSettings
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_ERRORS = api.error_responses(
    {
        400: "Invalid JSON or fields; each bad field is named in details.",
        403: "The caller may not act for this userId.",
        409: "Idempotency-Key reused with another body, or still in progress.",
        413: "Body larger than 16 KiB.",
        415: "Body is not JSON.",
        500: "Internal error.",
        503: "Throttled or a dependency is unavailable; see Retry-After.",
    }
)

router = Router()


@router.post(
    api.WORKOUTS_PATH,
    summary="Store a workout log",
    responses={201: {"description": "Stored", "content": {"application/json": {"model": Workout}}}, **_ERRORS},
)
def post_workout(
    workout: Annotated[WorkoutIn, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="Makes retries safe: same key and body, same answer, one record."),
    ] = None,
) -> Response[dict[str, Any]]:
    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore
    from workout_log.logic.config import load_config
    from workout_log.logic.workouts import store_workout, store_workout_once

    settings = process_settings()
    metrics.namespace, metrics.service = settings.metrics_namespace, settings.service_name
    ensure_may_act_for(workout.userId, router.current_event.raw_event["requestContext"], settings.user_binding)
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise invalid("Idempotency-Key", "must be 1-128 characters of letters, digits and _ . : -")
    config = load_config(settings.config_parameter_prefix, settings.parameters_max_age)
    store = DynamoDBWorkoutStore(
        dynamodb_client(), settings.workouts_table_name, settings.stats_table_name, settings.workout_type_shards
    )

    def run() -> Workout:
        return store_workout(workout, store, config)

    if idempotency_key is None:
        stored = run()
    else:
        stored = store_workout_once(
            workout, idempotency_key, settings.idempotency_table_name, router.lambda_context, run
        )
    return Response(status_code=201, content_type="application/json", body=stored.model_dump(mode="json"))


app = api.build_app(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@with_tracing
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return api.resolve(app, event, context)
