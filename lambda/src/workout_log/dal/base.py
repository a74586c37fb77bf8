"""What the domain logic needs from storage. The DynamoDB implementation is the only one shipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class WorkoutRecord:
    workout_id: str
    user_id: str
    workout_type: str
    timestamp: str  # fixed-width UTC text (models.workout.utc_text)
    duration_minutes: Decimal
    calories_burned: Decimal
    created_at: str
    distance_km: Decimal | None = None
    heart_rate_avg: int | None = None
    notes: str | None = None


@dataclass
class TypeAggregate:
    workouts: int = 0
    duration_minutes: Decimal = Decimal(0)
    calories_burned: Decimal = Decimal(0)


@dataclass
class UserAggregate:
    workouts: int = 0
    duration_minutes: Decimal = Decimal(0)
    calories_burned: Decimal = Decimal(0)
    distance_km: Decimal = Decimal(0)
    by_type: dict[str, TypeAggregate] = field(default_factory=dict)


class WorkoutStore(Protocol):
    def add_workout(self, record: WorkoutRecord) -> None:
        """Store the workout and add it to its user's aggregate, atomically: both or neither."""

    def user_aggregate(self, user_id: str) -> UserAggregate:
        """The user's running totals (zeros for an unknown user). Constant cost, whatever the history."""

    def recent_workouts(self, user_id: str, limit: int) -> list[WorkoutRecord]:
        """The user's newest workouts, newest first."""

    def workouts_by_type(self, workout_type: str, start: str, end: str, limit: int) -> list[WorkoutRecord]:
        """Workouts of one type with start <= timestamp <= end, newest first, across every index shard."""
