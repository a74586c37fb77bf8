"""The write routes: POST /workouts (store, once per Idempotency-Key), PATCH and DELETE /workouts/{workoutId}
(correct or delete, at the version If-Match names), each with its user's totals in one transaction."""

from __future__ import annotations

import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from aws_lambda_powertools.logging import correlation_paths

from workout_log import api
from workout_log.http_errors import invalid
from workout_log.logic.access import ensure_may_act_for, visibility
from workout_log.models.settings import ProcessSettings, process_settings
from workout_log.models.workout import WORKOUT_ID_PATTERN, Workout, WorkoutIn, WorkoutPatch
from workout_log.observability import logger, metrics, with_metrics, with_tracing
from workout_log.request import precondition

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
_CHANGE_ERRORS = api.error_responses(
    {
        400: "Invalid workoutId, If-Match, JSON or fields; each is named in details.",
        403: "The request's SigV4 signature is missing or invalid (API Gateway).",
        404: "No such workout for this caller.",
        409: "Other changes of this workout kept winning; retry (Retry-After).",
        412: "If-Match names another version than the stored one: nothing was changed.",
        413: "Body larger than 16 KiB.",
        415: "Body is not JSON.",
        500: "Internal error.",
        503: "Throttled or a dependency is unavailable; see Retry-After.",
    }
)
WorkoutIdParameter = Annotated[str, Path(pattern=WORKOUT_ID_PATTERN, description="The workoutId POST answered.")]
IfMatch = Annotated[
    list[str] | None,
    Header(alias="If-Match", description='The ETag of the version to change ("3"), or *; a stale one is a 412.'),
]

router = Router()


def _store() -> Any:
    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    settings = process_settings()
    metrics.namespace, metrics.service = settings.metrics_namespace, settings.service_name
    return DynamoDBWorkoutStore(
        dynamodb_client(), settings.workouts_table_name, settings.stats_table_name, settings.workout_type_shards
    )


def _may_see() -> Any:
    return visibility(router.current_event.raw_event["requestContext"], process_settings().user_binding)


def _config() -> Any:
    from workout_log.logic.config import load_config

    settings = process_settings()
    return load_config(settings.config_parameter_prefix, settings.parameters_max_age)


@router.post(
    api.WORKOUTS_PATH,
    summary="Store a workout log",
    operation_id="postWorkout",
    responses={201: {"description": "Stored", "content": {"application/json": {"model": Workout}}}, **_ERRORS},
)
def post_workout(
    workout: Annotated[WorkoutIn, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="Makes retries safe: same key and body, same answer, one record."),
    ] = None,
) -> Response[dict[str, Any]]:
    from workout_log.logic.workouts import etag, store_workout, store_workout_once

    store = _store()
    settings = process_settings()
    ensure_may_act_for(workout.userId, router.current_event.raw_event["requestContext"], settings.user_binding)
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise invalid("Idempotency-Key", "must be 1-128 characters of letters, digits and _ . : -")
    config = _config()

    def run() -> Workout:
        return store_workout(workout, store, config)

    if idempotency_key is None:
        stored = run()
    else:
        stored = store_workout_once(
            workout, idempotency_key, settings.idempotency_table_name, router.lambda_context, run
        )
    return Response(
        status_code=201,
        content_type="application/json",
        body=stored.model_dump(mode="json"),
        headers={"ETag": etag(1)},
    )


@router.patch(
    api.route_rule(api.WORKOUT_PATH),
    summary="Correct a workout (JSON merge patch)",
    operation_id="patchWorkout",
    responses={
        200: {"description": "The workout as corrected", "content": {"application/json": {"model": Workout}}},
        **_CHANGE_ERRORS,
    },
)
def patch_workout(
    workoutId: WorkoutIdParameter, patch: Annotated[WorkoutPatch, Body()], if_match: IfMatch = None
) -> Response[dict[str, Any]]:
    from workout_log.logic.workouts import correct_workout, etag, workout_view

    condition = precondition(if_match)
    corrected = correct_workout(workoutId, patch, _store(), _config(), _may_see(), condition)
    return Response(
        status_code=200,
        content_type="application/json",
        body=workout_view(corrected).model_dump(mode="json"),
        headers={"ETag": etag(corrected.version)},
    )


@router.delete(
    api.route_rule(api.WORKOUT_PATH),
    summary="Delete a workout",
    operation_id="deleteWorkout",
    responses={204: {"description": "Deleted, and taken out of every total"}, **_CHANGE_ERRORS},
)
def delete_workout(workoutId: WorkoutIdParameter, if_match: IfMatch = None) -> Response[str]:
    from workout_log.logic.workouts import delete_workout as delete

    condition = precondition(if_match)
    delete(workoutId, _store(), _may_see(), condition)
    return Response(status_code=204, body="")


app = api.build_app(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@with_metrics
@with_tracing
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return api.resolve(app, event, context)
