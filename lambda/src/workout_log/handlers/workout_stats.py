"""GET /stats/{userId}: a user's totals, totals by type and newest workouts, at constant cost."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths

from workout_log import api
from workout_log.logic.access import ensure_may_act_for
from workout_log.models.settings import StatsSettings, stats_settings
from workout_log.models.workout import USER_ID_PATTERN, UserStats
from workout_log.observability import logger, with_tracing

# The environment variables this function reads (tests/contract checks Terraform sets exactly these).
SETTINGS = StatsSettings

router = Router()


@router.get(
    api.route_rule(api.STATS_PATH),
    summary="A user's workout statistics",
    responses={
        200: {"description": "Statistics", "content": {"application/json": {"model": UserStats}}},
        **api.error_responses(
            {
                400: "Invalid userId or recent.",
                403: "The caller may not act for this userId.",
                500: "Internal error.",
                503: "Throttled; see Retry-After.",
            }
        ),
    },
)
def get_stats(
    userId: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    recent: Annotated[int, Query(ge=1, le=100, description="How many recent workouts to return.")] = 10,
) -> dict[str, Any]:
    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore
    from workout_log.logic.stats import user_stats

    settings = stats_settings()
    ensure_may_act_for(userId, router.current_event.raw_event["requestContext"], settings.user_binding)
    store = DynamoDBWorkoutStore(dynamodb_client(), settings.workouts_table_name, settings.stats_table_name)
    return user_stats(userId, recent, store).model_dump(mode="json")


app = api.build_app(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@with_tracing
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return api.resolve(app, event, context)
