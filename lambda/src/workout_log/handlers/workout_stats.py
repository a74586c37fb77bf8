"""The read routes (a read-only role): GET /stats/{userId} (totals, newest workouts, periods), GET /workouts (one
user's log, page by page), GET /workouts/{workoutId} (one workout and its ETag) and GET /types/{workoutType}/workouts
(every user's workouts of one type: for operators)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths

from workout_log import api
from workout_log.http_errors import invalid
from workout_log.logic.access import ensure_may_act_for, ensure_operator, visibility
from workout_log.logic.tokens import MAX_TOKEN_CHARS
from workout_log.models.settings import StatsSettings, stats_settings
from workout_log.models.workout import (
    USER_ID_PATTERN,
    WORKOUT_ID_PATTERN,
    WORKOUT_TYPE_PATTERN,
    Moment,
    Period,
    UserStats,
    Workout,
    WorkoutPage,
)
from workout_log.observability import logger, with_tracing

# The environment variables this function reads (tests/contract checks Terraform sets exactly these).
SETTINGS = StatsSettings
_RANGE = "ISO 8601 with a zone, as workoutTimestamp"
From = Annotated[Moment | None, Query(alias="from", description=f"Inclusive start of the time range ({_RANGE}).")]
To = Annotated[Moment | None, Query(alias="to", description=f"Exclusive end of the time range ({_RANGE}).")]
Limit = Annotated[int, Query(ge=1, le=100, description="Workouts per page (1-100); a page is short only if last.")]
NextToken = Annotated[
    str | None,
    Query(
        alias="nextToken",
        max_length=MAX_TOKEN_CHARS,
        description="The nextToken of the previous page, for the same query.",
    ),
]
WorkoutTypeQuery = Annotated[
    str | None, Query(alias="type", pattern=WORKOUT_TYPE_PATTERN, description="Only this type.")
]


def _errors(statuses: dict[int, str]) -> dict[int, Any]:
    common = {500: "Internal error.", 503: "Throttled or a dependency is unavailable; see Retry-After."}
    return api.error_responses({**statuses, **common})


router = Router()


def _store() -> Any:
    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    settings = stats_settings()
    return DynamoDBWorkoutStore(
        dynamodb_client(), settings.workouts_table_name, settings.stats_table_name, settings.workout_type_shards
    )


def _context() -> dict[str, Any]:
    context: dict[str, Any] = router.current_event.raw_event["requestContext"]
    return context


def _known_type(workout_type: str, field: str) -> None:
    from workout_log.logic.config import load_config

    settings = stats_settings()
    types = load_config(settings.config_parameter_prefix, settings.parameters_max_age).workout_types
    if workout_type not in types:
        raise invalid(field, f"must be one of: {', '.join(types)}")


@router.get(
    api.route_rule(api.STATS_PATH),
    summary="A user's workout statistics",
    operation_id="getStats",
    responses={
        200: {"description": "Statistics", "content": {"application/json": {"model": UserStats}}},
        **_errors({400: "Invalid userId, recent, from, to or period.", 403: "The caller may not act for this userId."}),
    },
)
def get_stats(
    userId: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    recent: Annotated[int, Query(ge=1, le=100, description="How many recent workouts to return.")] = 10,
    start: From = None,
    end: To = None,
    period: Annotated[
        Period | None,
        Query(description="With from and to: the totals of each day, ISO week (from Monday) or month of local dates."),
    ] = None,
) -> dict[str, Any]:
    from workout_log.logic.stats import PeriodQuery, user_stats

    ensure_may_act_for(userId, _context(), stats_settings().user_binding)
    given = {"from": start, "to": end, "period": period}
    if any(value is not None for value in given.values()):
        for name, value in given.items():
            if value is None:
                raise invalid(name, "is required with " + " and ".join(n for n in given if n != name))
    query = None if period is None or start is None or end is None else PeriodQuery(start, end, period)
    return user_stats(userId, recent, _store(), query).model_dump(mode="json")


@router.get(
    api.WORKOUTS_PATH,
    summary="A user's workouts, newest first, page by page",
    operation_id="listWorkouts",
    responses={
        200: {"description": "One page", "content": {"application/json": {"model": WorkoutPage}}},
        **_errors(
            {400: "Invalid userId, from, to, type, limit or nextToken.", 403: "The caller may not act for userId."}
        ),
    },
)
def list_workouts(
    userId: Annotated[str, Query(pattern=USER_ID_PATTERN, description="Whose workouts.")],
    start: From = None,
    end: To = None,
    workout_type: WorkoutTypeQuery = None,
    limit: Limit = 20,
    next_token: NextToken = None,
) -> dict[str, Any]:
    from workout_log.logic import history

    settings = stats_settings()
    ensure_may_act_for(userId, _context(), settings.user_binding)
    if workout_type is not None:
        _known_type(workout_type, "type")
    page = history.list_workouts(
        userId, start, end, workout_type, limit, next_token, _store(), settings.page_token_key_arn
    )
    return page.model_dump(mode="json")


@router.get(
    api.route_rule(api.WORKOUT_PATH),
    summary="One workout, with its ETag",
    operation_id="getWorkout",
    responses={
        200: {"description": "The workout", "content": {"application/json": {"model": Workout}}},
        **_errors(
            {
                400: "Invalid workoutId.",
                403: "The request's SigV4 signature is missing or invalid (API Gateway).",
                404: "No such workout for this caller.",
            }
        ),
    },
)
def get_workout(
    workoutId: Annotated[str, Path(pattern=WORKOUT_ID_PATTERN, description="The workoutId POST answered.")],
) -> Response[dict[str, Any]]:
    from workout_log.logic.workouts import etag, read_workout, workout_view

    record = read_workout(workoutId, _store(), visibility(_context(), stats_settings().user_binding))
    return Response(
        status_code=200,
        content_type="application/json",
        body=workout_view(record).model_dump(mode="json"),
        headers={"ETag": etag(record.version)},
    )


@router.get(
    api.route_rule(api.TYPE_WORKOUTS_PATH),
    summary="Every user's workouts of one type, newest first (operators)",
    operation_id="listTypeWorkouts",
    responses={
        200: {"description": "One page", "content": {"application/json": {"model": WorkoutPage}}},
        **_errors({400: "Invalid workoutType, from, to, limit or nextToken.", 403: "Cognito identities may not."}),
    },
)
def list_type_workouts(
    workoutType: Annotated[str, Path(pattern=WORKOUT_TYPE_PATTERN)],
    start: From = None,
    end: To = None,
    limit: Limit = 20,
    next_token: NextToken = None,
) -> dict[str, Any]:
    from workout_log.logic import history

    settings = stats_settings()
    ensure_operator(_context(), settings.user_binding)
    _known_type(workoutType, "workoutType")
    page = history.type_workouts(workoutType, start, end, limit, next_token, _store(), settings.page_token_key_arn)
    return page.model_dump(mode="json")


app = api.build_app(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@with_tracing
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return api.resolve(app, event, context)
