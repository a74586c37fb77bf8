"""The change events on the EventBridge bus: one detail model per detail-type.

docs/events/*.schema.json and docs/asyncapi.json are generated from these (`make schemas`), and a test fails when
they are stale. A detail says what changed and never carries free text unless the environment publishes notes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The fields of a workout a change can touch, as the API names them.
ChangedField = Literal[
    "workoutType",
    "workoutTimestamp",
    "utcOffset",
    "durationMinutes",
    "caloriesBurned",
    "distanceKm",
    "heartRateAvg",
    "notes",
]


class WorkoutChange(BaseModel):
    """What every change event of a workout says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    userId: str
    workoutId: str
    workoutType: str
    workoutTimestamp: str = Field(description="Normalised UTC time, e.g. 2026-11-24T20:09:00.000000Z.")
    utcOffset: str = Field(description='The offset workoutTimestamp was sent with, e.g. "+02:00".')
    version: int = Field(
        ge=1,
        description="The workout's version after this change (its ETag): 1 when created, one more with every "
        "correction and with the deletion. An event whose version a consumer has already seen for this workout "
        "is a repeat or a late delivery, to be dropped.",
    )
    notes: str | None = Field(
        default=None,
        exclude_if=lambda notes: notes is None,
        description="The workout's notes, only where the environment publishes them (events_include_notes).",
    )


class WorkoutCreated(WorkoutChange):
    """A workout was stored (POST /workouts): version 1."""


class WorkoutUpdated(WorkoutChange):
    """A workout was corrected (PATCH /workouts/{workoutId}); the detail holds the workout as it is now."""

    changedFields: list[ChangedField] = Field(min_length=1, description="The fields the correction changed.")


class WorkoutDeleted(WorkoutChange):
    """A workout was deleted (DELETE /workouts/{workoutId}); the detail holds the workout as it was."""


DETAIL_TYPES: dict[str, type[WorkoutChange]] = {
    "Workout Created": WorkoutCreated,
    "Workout Updated": WorkoutUpdated,
    "Workout Deleted": WorkoutDeleted,
}
