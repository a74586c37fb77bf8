"""What the domain logic needs from storage. The DynamoDB implementation is the only one shipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from workout_log.periods import Granularity

GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month")


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
    utc_offset: str = "+00:00"  # the offset the time was sent with; local dates group the periods
    version: int = 1  # 1 when stored, one more with every change (the ETag)


@dataclass
class TypeAggregate:
    workouts: int = 0
    duration_minutes: Decimal = Decimal(0)
    calories_burned: Decimal = Decimal(0)


@dataclass
class UserAggregate:
    """Running totals: a user's lifetime, or one period's."""

    workouts: int = 0
    duration_minutes: Decimal = Decimal(0)
    calories_burned: Decimal = Decimal(0)
    distance_km: Decimal = Decimal(0)
    by_type: dict[str, TypeAggregate] = field(default_factory=dict)

    def add(self, record: WorkoutRecord) -> None:
        self.workouts += 1
        self.duration_minutes += record.duration_minutes
        self.calories_burned += record.calories_burned
        self.distance_km += record.distance_km or 0
        totals = self.by_type.setdefault(record.workout_type, TypeAggregate())
        totals.workouts += 1
        totals.duration_minutes += record.duration_minutes
        totals.calories_burned += record.calories_burned

    def absorb(self, other: UserAggregate) -> None:
        self.workouts += other.workouts
        self.duration_minutes += other.duration_minutes
        self.calories_burned += other.calories_burned
        self.distance_km += other.distance_km
        for workout_type, theirs in other.by_type.items():
            totals = self.by_type.setdefault(workout_type, TypeAggregate())
            totals.workouts += theirs.workouts
            totals.duration_minutes += theirs.duration_minutes
            totals.calories_burned += theirs.calories_burned


@dataclass(frozen=True)
class PeriodAggregate:
    """The totals of the workouts of one period whose time was sent with one UTC offset."""

    start: str  # the period's first local date, YYYY-MM-DD
    utc_offset: str
    totals: UserAggregate


@dataclass(frozen=True)
class Page:
    """Records newest first; `after` is where the next page starts (None on the last page)."""

    records: list[WorkoutRecord]
    after: str | None


class StaleWrite(Exception):
    """The workout changed (or was deleted) since it was read: nothing was written."""


class WorkoutStore(Protocol):
    def add_workout(self, record: WorkoutRecord) -> None:
        """Store the workout and add it to its user's totals, lifetime and per period, atomically."""

    def get_workout(self, workout_id: str) -> WorkoutRecord | None:
        """The workout with this id, read consistently (it may have been written a moment ago)."""

    def replace_workout(self, old: WorkoutRecord, new: WorkoutRecord) -> None:
        """Replace `old` (as read) by `new` and move the totals with it, atomically; StaleWrite if `old` is no
        longer what is stored."""

    def remove_workout(self, record: WorkoutRecord) -> None:
        """Delete the workout (as read) and take it out of every total, atomically; StaleWrite if it changed."""

    def user_aggregate(self, user_id: str) -> UserAggregate:
        """The user's lifetime totals (zeros for an unknown user). Constant cost, whatever the history."""

    def recent_workouts(self, user_id: str, limit: int) -> list[WorkoutRecord]:
        """The user's newest workouts, newest first."""

    def user_workouts(
        self, user_id: str, start: str, end: str, workout_type: str | None, limit: int, after: str | None
    ) -> Page:
        """The user's workouts with start <= time < end (UTC text), of one type if given, newest first, from
        `after` on. Reads at most limit + 1 workouts, whatever the history."""

    def type_workouts(self, workout_type: str, start: str, end: str, limit: int, after: str | None) -> Page:
        """Every user's workouts of one type, newest first, from the type index; `after` is the sort key of the
        last workout of the previous page (sort keys are unique, so every shard goes on from there)."""

    def period_aggregates(self, user_id: str, granularity: Granularity, first: str, last: str) -> list[PeriodAggregate]:
        """The user's period totals whose first local date is in [first, last] (YYYY-MM-DD)."""
