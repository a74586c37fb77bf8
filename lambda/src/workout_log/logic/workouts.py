"""Storing, correcting and deleting a workout: the rules that need configuration or the clock, then one atomic
write (once per Idempotency-Key for a POST; only at the version read, or the one If-Match names, for a change)."""

from __future__ import annotations

import dataclasses
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, overload

from workout_log.dal.base import StaleWrite, WorkoutRecord, WorkoutStore
from workout_log.logic.config import WorkoutConfig
from workout_log.models.errors import (
    ChangeContended,
    FieldProblem,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    RequestInProgress,
)
from workout_log.models.workout import Workout, WorkoutIn, WorkoutPatch, offset_text, utc_text
from workout_log.observability import logger, metrics

MAX_FUTURE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
# How long a request waits for a concurrent request with the same Idempotency-Key before answering 409.
IN_PROGRESS_WAIT_SECONDS = 3.0
# How often a change reads the workout again when another change won the race, and the first pause before it.
CHANGE_ATTEMPTS = 5
CHANGE_BACKOFF_SECONDS = 0.02


def config_problems(
    config: WorkoutConfig,
    now: datetime,
    workout_type: str | None = None,
    duration: float | None = None,
    moment: datetime | None = None,
) -> list[FieldProblem]:
    """What breaks the rules of the configuration or the clock; None leaves a field unchecked."""
    problems: list[FieldProblem] = []
    if workout_type is not None and workout_type not in config.workout_types:
        problems.append(FieldProblem("workoutType", f"must be one of: {', '.join(config.workout_types)}"))
    if duration is not None and duration > config.max_duration_minutes:
        problems.append(FieldProblem("durationMinutes", f"must be at most {config.max_duration_minutes:g}"))
    if moment is not None:
        if moment > now + MAX_FUTURE:
            problems.append(FieldProblem("workoutTimestamp", "must not be more than 5 minutes in the future"))
        if moment < EARLIEST:
            problems.append(FieldProblem("workoutTimestamp", "must not be before 2000-01-01T00:00:00Z"))
    return problems


def check_against_config(workout: WorkoutIn, config: WorkoutConfig, now: datetime) -> None:
    problems = config_problems(config, now, workout.workoutType, workout.durationMinutes, workout.workoutTimestamp)
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
    moment = workout.workoutTimestamp or now
    return WorkoutRecord(
        workout_id=str(uuid.uuid4()),
        user_id=workout.userId,
        workout_type=workout.workoutType,
        timestamp=utc_text(moment),
        utc_offset=offset_text(moment),
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
        utcOffset=record.utc_offset,
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


@dataclass(frozen=True)
class Precondition:
    """An If-Match header as the logic needs it: any existing version (`*`), or one of these versions."""

    any_version: bool = False
    versions: frozenset[str] = frozenset()  # entity tags, compared character by character (strong comparison)

    def holds(self, version: int) -> bool:
        return self.any_version or str(version) in self.versions


def etag(version: int) -> str:
    """The entity tag of a workout version (RFC 9110, strong)."""
    return f'"{version}"'


def corrected(record: WorkoutRecord, patch: WorkoutPatch, config: WorkoutConfig, now: datetime) -> WorkoutRecord:
    """`record` with the merge patch applied, checked as POST checks a workout (the fields the patch sets); the
    same record, version and all, when the patch changes nothing."""
    given = patch.model_dump(exclude_unset=True)
    problems = config_problems(config, now, patch.workoutType, patch.durationMinutes, patch.workoutTimestamp)
    if problems:
        raise InvalidRequest(problems)
    changes: dict[str, Any] = {}
    if "workoutType" in given:
        changes["workout_type"] = patch.workoutType
    if "durationMinutes" in given:
        changes["duration_minutes"] = _decimal(patch.durationMinutes)
    if "caloriesBurned" in given:
        changes["calories_burned"] = _decimal(patch.caloriesBurned)
    if patch.workoutTimestamp is not None:
        changes["timestamp"], changes["utc_offset"] = (
            utc_text(patch.workoutTimestamp),
            offset_text(patch.workoutTimestamp),
        )
    if "distanceKm" in given:
        changes["distance_km"] = _decimal(patch.distanceKm)
    if "heartRateAvg" in given:
        changes["heart_rate_avg"] = patch.heartRateAvg
    if "notes" in given:
        changes["notes"] = patch.notes
    updated = dataclasses.replace(record, **changes)
    return record if updated == record else dataclasses.replace(updated, version=record.version + 1)


def _visible(record: WorkoutRecord | None, may_see: Callable[[str], bool]) -> WorkoutRecord:
    """The workout, if it exists for this caller: another user's workout is not found, never forbidden."""
    if record is None or not may_see(record.user_id):
        raise NotFound("No such workout.")
    return record


def read_workout(workout_id: str, store: WorkoutStore, may_see: Callable[[str], bool]) -> WorkoutRecord:
    return _visible(store.get_workout(workout_id), may_see)


def _change(
    workout_id: str,
    store: WorkoutStore,
    may_see: Callable[[str], bool],
    precondition: Precondition | None,
    write: Callable[[WorkoutRecord], WorkoutRecord | None],
) -> WorkoutRecord | None:
    """Read the workout, check If-Match, write at the version read. When another change wins the race in between,
    read again and check If-Match against the version that won: "1" is then a 412, while * or a list that names
    the new version still holds. No change is ever lost or applied to a version it was not checked against."""
    for attempt in range(CHANGE_ATTEMPTS):
        current = read_workout(workout_id, store, may_see)
        if precondition is not None and not precondition.holds(current.version):
            raise PreconditionFailed("The workout has changed since that version (If-Match).")
        try:
            return write(current)
        except StaleWrite:
            time.sleep(random.uniform(0, CHANGE_BACKOFF_SECONDS * 2**attempt))
    raise ChangeContended("The workout is being changed by other requests; retry.", retry_after=1)


def correct_workout(
    workout_id: str,
    patch: WorkoutPatch,
    store: WorkoutStore,
    config: WorkoutConfig,
    may_see: Callable[[str], bool],
    precondition: Precondition | None = None,
) -> WorkoutRecord:
    """Apply a merge patch; the workout as stored afterwards (its new version is the new ETag)."""
    now = datetime.now(UTC)

    def write(current: WorkoutRecord) -> WorkoutRecord:
        new = corrected(current, patch, config, now)
        if new != current:
            store.replace_workout(current, new)
            logger.info("workout corrected", extra={"workoutId": workout_id, "version": new.version})
        return new

    changed = _change(workout_id, store, may_see, precondition, write)
    assert changed is not None
    return changed


def delete_workout(
    workout_id: str, store: WorkoutStore, may_see: Callable[[str], bool], precondition: Precondition | None = None
) -> None:
    def write(current: WorkoutRecord) -> None:
        store.remove_workout(current)
        logger.info("workout deleted", extra={"workoutId": workout_id, "version": current.version})

    _change(workout_id, store, may_see, precondition, write)


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
