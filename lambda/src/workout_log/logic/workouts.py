"""Storing a workout: the rules that need configuration or the clock, then one atomic write, once per
Idempotency-Key."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, overload

from workout_log.dal.base import WorkoutRecord, WorkoutStore
from workout_log.logic.config import WorkoutConfig
from workout_log.models.errors import FieldProblem, IdempotencyKeyReused, InvalidRequest, RequestInProgress
from workout_log.models.workout import Workout, WorkoutIn, utc_text
from workout_log.observability import logger, metrics

MAX_FUTURE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
# How long a request waits for a concurrent request with the same Idempotency-Key before answering 409.
IN_PROGRESS_WAIT_SECONDS = 3.0


def check_against_config(workout: WorkoutIn, config: WorkoutConfig, now: datetime) -> None:
    problems: list[FieldProblem] = []
    if workout.workoutType not in config.workout_types:
        problems.append(FieldProblem("workoutType", f"must be one of: {', '.join(config.workout_types)}"))
    if workout.durationMinutes > config.max_duration_minutes:
        problems.append(FieldProblem("durationMinutes", f"must be at most {config.max_duration_minutes:g}"))
    if workout.workoutTimestamp is not None:
        if workout.workoutTimestamp > now + MAX_FUTURE:
            problems.append(FieldProblem("workoutTimestamp", "must not be more than 5 minutes in the future"))
        if workout.workoutTimestamp < EARLIEST:
            problems.append(FieldProblem("workoutTimestamp", "must not be before 2000-01-01T00:00:00Z"))
    if problems:
        raise InvalidRequest(problems)


@overload
def _decimal(value: float) -> Decimal: ...
@overload
def _decimal(value: None) -> None: ...
@overload
def _decimal(value: float | None) -> Decimal | None: ...
def _decimal(value: float | None) -> Decimal | None:
    # str() first: Decimal(0.1) would carry binary noise into the stored totals.
    return None if value is None else Decimal(str(value))


def to_record(workout: WorkoutIn, now: datetime) -> WorkoutRecord:
    return WorkoutRecord(
        workout_id=str(uuid.uuid4()),
        user_id=workout.userId,
        workout_type=workout.workoutType,
        timestamp=utc_text(workout.workoutTimestamp or now),
        duration_minutes=_decimal(workout.durationMinutes),
        calories_burned=_decimal(workout.caloriesBurned),
        created_at=utc_text(now),
        distance_km=_decimal(workout.distanceKm),
        heart_rate_avg=workout.heartRateAvg,
        notes=workout.notes,
    )


def workout_view(record: WorkoutRecord) -> Workout:
    """A stored workout as the API answers it."""
    return Workout(
        workoutId=record.workout_id,
        userId=record.user_id,
        workoutType=record.workout_type,
        workoutTimestamp=record.timestamp,
        durationMinutes=record.duration_minutes,
        caloriesBurned=record.calories_burned,
        distanceKm=record.distance_km,
        heartRateAvg=record.heart_rate_avg,
        notes=record.notes,
        createdAt=record.created_at,
    )


def store_workout(workout: WorkoutIn, store: WorkoutStore, config: WorkoutConfig) -> Workout:
    now = datetime.now(UTC)
    check_against_config(workout, config, now)
    record = to_record(workout, now)
    store.add_workout(record)
    logger.info("workout stored", extra={"workoutId": record.workout_id, "workoutType": record.workout_type})
    _count(record)
    return workout_view(record)


def _count(record: WorkoutRecord) -> None:
    """Metrics are best effort: once the workout is stored, nothing may turn the answer into an error (a 5xx
    here would release the Idempotency-Key and invite a retry that stores the workout twice)."""
    try:
        metrics.add_metric(name="WorkoutsLogged", unit="Count", value=1)
        metrics.add_metric(name="CaloriesBurned", unit="Count", value=float(record.calories_burned))
    except Exception:
        logger.exception("metrics not recorded", extra={"workoutId": record.workout_id})


@cache
def _idempotent_runner(table_name: str) -> tuple[Callable[..., Workout], Any]:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

    from workout_log.aws import dynamodb_client

    persistence = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=dynamodb_client())
    config = IdempotencyConfig(
        # The key is scoped to the user, so two users can never collide on the same Idempotency-Key.
        event_key_jmespath="[userId, idempotencyKey]",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
    )

    # The first answer is kept as the model's JSON and validated back into the model for a retry.
    @idempotent_function(
        data_keyword_argument="attempt",
        persistence_store=persistence,
        config=config,
        output_serializer=PydanticSerializer(Workout),
    )
    def store_once(attempt: dict[str, Any], run: Callable[[], Workout]) -> Workout:
        return run()

    return store_once, config


def store_workout_once(
    workout: WorkoutIn,
    idempotency_key: str,
    idempotency_table: str,
    lambda_context: Any,
    run: Callable[[], Workout],
) -> Workout:
    """Run `run` at most once per (userId, Idempotency-Key) and body; a retry gets the first answer back."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    store_once, config = _idempotent_runner(idempotency_table)
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)
    attempt = {
        "userId": workout.userId,
        "idempotencyKey": idempotency_key,
        # The validated request without absent or null fields: an explicit null and a missing field are one request.
        "request": workout.model_dump(mode="json", exclude_none=True),
    }
    deadline = time.monotonic() + IN_PROGRESS_WAIT_SECONDS
    while True:
        try:
            return store_once(attempt=attempt, run=run)
        except IdempotencyValidationError:
            raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request body.") from None
        except IdempotencyAlreadyInProgressError:
            if time.monotonic() >= deadline:
                message = "A request with this Idempotency-Key is still in progress."
                raise RequestInProgress(message, retry_after=1) from None
            time.sleep(0.05)
