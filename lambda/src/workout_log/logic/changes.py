"""Change events: what the workouts table's stream says happened to a workout, published on the EventBridge bus.

Only a workout's by-id copy makes events (`dal.dynamodb.changed_copy`): every change of a workout writes it once,
in place, under a key that never changes, and its `version` is the workout's. So the stream holds exactly one
record per change, in order per workout, and every other item (the other copies, the period totals) and the
copies the backfill gave workouts of 1.0 make no event.

- INSERT: `Workout Created`, at version 1.
- MODIFY: `Workout Updated`, with the fields that changed, at the new version.
- REMOVE: `Workout Deleted`, at the version after the last one: a deletion is a change too.

Publishing stops at the first record whose event was not accepted and reports it as the batch's first failure
(ReportBatchItemFailures): Lambda retries from that record on, and after the retries hands the batch to the
dead-letter queue. One PutEvents call never holds two changes of one workout, so no change of a workout is
published before an earlier one that failed. Events already published may be published again on a retry (those
after the failure in its call, and those before it in the batch): at least once, each with its same version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

from workout_log.dal.base import WorkoutRecord
from workout_log.dal.dynamodb import changed_copy, is_backfilled
from workout_log.models.events import ChangedField, WorkoutChange, WorkoutCreated, WorkoutDeleted, WorkoutUpdated
from workout_log.observability import logger, metrics

# PutEvents takes at most 10 entries per call.
ENTRIES_PER_CALL = 10
# The record fields a change can touch, by the name the API and the events give each.
CHANGED_FIELDS: dict[str, ChangedField] = {
    "workout_type": "workoutType",
    "timestamp": "workoutTimestamp",
    "utc_offset": "utcOffset",
    "duration_minutes": "durationMinutes",
    "calories_burned": "caloriesBurned",
    "distance_km": "distanceKm",
    "heart_rate_avg": "heartRateAvg",
    "notes": "notes",
}
# The record fields no change touches.
FIXED_FIELDS = ("workout_id", "user_id", "created_at", "version")


@dataclass(frozen=True)
class ChangeEvent:
    detail: WorkoutChange
    time: datetime | None = None

    @property
    def detail_type(self) -> str:
        from workout_log.models.events import DETAIL_TYPES

        return next(name for name, model in DETAIL_TYPES.items() if type(self.detail) is model)

    def entry(self, bus_name: str, source: str) -> dict[str, Any]:
        """The PutEvents entry of this change."""
        entry: dict[str, Any] = {
            "EventBusName": bus_name,
            "Source": source,
            "DetailType": self.detail_type,
            "Detail": json.dumps(self.detail.model_dump(mode="json"), separators=(",", ":")),
        }
        if self.time is not None:
            entry["Time"] = self.time
        return entry


def changed_fields(old: WorkoutRecord, new: WorkoutRecord) -> list[ChangedField]:
    """The fields that differ, in the order the events' schema lists them."""
    order = get_args(ChangedField)
    changed = [name for field, name in CHANGED_FIELDS.items() if getattr(old, field) != getattr(new, field)]
    return sorted(changed, key=order.index)


def _detail(model: type[WorkoutChange], record: WorkoutRecord, version: int, with_notes: bool, **extra: Any) -> Any:
    return model(
        userId=record.user_id,
        workoutId=record.workout_id,
        workoutType=record.workout_type,
        workoutTimestamp=record.timestamp,
        utcOffset=record.utc_offset,
        version=version,
        notes=record.notes if with_notes else None,
        **extra,
    )


def change_event(record: dict[str, Any], with_notes: bool = False) -> ChangeEvent | None:
    """The event of one stream record (NEW_AND_OLD_IMAGES), or None when it is not a change of a workout."""
    change = record["dynamodb"]
    old_image, new_image = change.get("OldImage"), change.get("NewImage")
    old, new = changed_copy(old_image), changed_copy(new_image)
    created = change.get("ApproximateCreationDateTime")
    time = datetime.fromtimestamp(float(created), UTC) if created is not None else None
    name = record["eventName"]
    if name == "INSERT" and new is not None and new_image is not None and not is_backfilled(new_image):
        return ChangeEvent(_detail(WorkoutCreated, new, new.version, with_notes), time)
    if name == "MODIFY" and old is not None and new is not None:
        changed = changed_fields(old, new)
        if not changed:  # a write that changed nothing a consumer sees
            return None
        return ChangeEvent(_detail(WorkoutUpdated, new, new.version, with_notes, changedFields=changed), time)
    if name == "REMOVE" and old is not None:
        return ChangeEvent(_detail(WorkoutDeleted, old, old.version + 1, with_notes), time)
    return None


def publish(records: Iterable[dict[str, Any]], events: Any, bus_name: str, source: str, with_notes: bool) -> str | None:
    """Publish the events of `records` (one shard's, in order); the sequence number of the first record whose
    event was not accepted, or None when all were."""
    pending: list[tuple[str, dict[str, Any]]] = []
    unreadable = None
    for record in records:
        sequence_number: str = record["dynamodb"]["SequenceNumber"]
        try:
            event = change_event(record, with_notes)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            logger.exception("unreadable stream record", extra={"sequenceNumber": sequence_number})
            unreadable = sequence_number
            break
        if event is not None:
            pending.append((sequence_number, event.entry(bus_name, source)))
    failed = _put(pending, events)
    return failed if failed is not None else unreadable


def _calls(pending: list[tuple[str, dict[str, Any]]]) -> list[list[tuple[str, dict[str, Any]]]]:
    """`pending` cut, in order, into PutEvents calls of at most 10 entries and at most one per workout: EventBridge
    accepts or refuses each entry of a call on its own, so a later change of a workout in the same call as a
    refused one would reach the bus before it."""
    calls: list[list[tuple[str, dict[str, Any]]]] = []
    workouts: set[str] = set()
    for sequence_number, entry in pending:
        workout_id = json.loads(entry["Detail"])["workoutId"]
        if not calls or len(calls[-1]) == ENTRIES_PER_CALL or workout_id in workouts:
            calls.append([])
            workouts = set()
        calls[-1].append((sequence_number, entry))
        workouts.add(workout_id)
    return calls


def _put(pending: list[tuple[str, dict[str, Any]]], events: Any) -> str | None:
    """PutEvents of each (sequence number, entry) in order; the sequence number of the first entry not accepted, or
    None. Nothing is sent after a call with a refused entry."""
    from botocore.exceptions import BotoCoreError, ClientError

    published, failed = 0, None
    for call in _calls(pending):
        try:
            answer = events.put_events(Entries=[entry for _, entry in call])
        except (BotoCoreError, ClientError):
            logger.exception("PutEvents failed", extra={"sequenceNumber": call[0][0], "entries": len(call)})
            failed = call[0][0]
            break
        errors = [(offset, result) for offset, result in enumerate(answer["Entries"]) if result.get("ErrorCode")]
        if errors:
            offset, result = errors[0]
            failed = call[offset][0]
            logger.error(
                "event not accepted",
                extra={"sequenceNumber": failed, "errorCode": result["ErrorCode"],
                       "errorMessage": result.get("ErrorMessage"), "entriesNotAccepted": len(errors)},
            )  # fmt: skip
            published += len(call) - len(errors)
            break
        published += len(call)
    metrics.add_metric(name="ChangeEventsPublished", unit="Count", value=published)
    if failed is not None:
        metrics.add_metric(name="ChangeEventsNotPublished", unit="Count", value=len(pending) - published)
    return failed
