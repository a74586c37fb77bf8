"""A user's statistics: the lifetime totals (one read), the newest workouts (one query) and, on request, the totals
of each period (day, ISO week, month of the workouts' local dates) that holds a workout in [from, to).

Periods are read from running totals kept per period and UTC offset (workout_log.dal.dynamodb), so a period query
reads one item per period and offset, whatever the history. A period's totals count whole when all the instants
it can hold lie in [from, to). A week or month that from or to cuts through (at most the two at the edges, per
offset) is added up from its days' totals instead, and a day that is cut from its workouts in range: with from
and to at midnight of the workouts' offset, no workout is read one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from workout_log.dal.base import PeriodAggregate, UserAggregate, WorkoutStore
from workout_log.logic.history import time_range
from workout_log.logic.workouts import workout_view
from workout_log.models.errors import FieldProblem, InvalidRequest
from workout_log.models.workout import MOST_EAST, MOST_WEST, PeriodTotals, TypeTotals, UserStats, utc_text
from workout_log.periods import Granularity, next_start, parse_offset, period_start

MAX_PERIODS = 366


@dataclass(frozen=True)
class PeriodQuery:
    start: datetime
    end: datetime
    granularity: Granularity


def _shifted(moment: datetime, by: timedelta) -> date:
    try:
        return (moment + by).date()
    except OverflowError:
        return date.min if by < timedelta(0) else date.max


def period_count(start: date, end: date, granularity: Granularity) -> int:
    """How many periods [start, end] (dates) touches."""
    first, last = period_start(start, granularity), period_start(end, granularity)
    if granularity == "day":
        return (last - first).days + 1
    if granularity == "week":
        return (last - first).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _instants(start: str, offset: str, granularity: Granularity) -> tuple[datetime, datetime | None]:
    """The instants a period's totals can hold: from its first local midnight to the next period's, at the offset
    (None: no end within the calendar)."""
    first = date.fromisoformat(start)
    shift = parse_offset(offset)
    begin = datetime(first.year, first.month, first.day, tzinfo=UTC) - shift
    try:
        following = next_start(first, granularity)
    except (OverflowError, ValueError):
        return begin, None
    return begin, datetime(following.year, following.month, following.day, tzinfo=UTC) - shift


def period_totals(user_id: str, query: PeriodQuery, store: WorkoutStore) -> list[PeriodTotals]:
    time_range(query.start, query.end)  # from after to is a 400 naming from
    utc_last = query.end - timedelta(microseconds=1) if query.end > query.start else query.end
    spanned = period_count(query.start.astimezone(UTC).date(), utc_last.astimezone(UTC).date(), query.granularity)
    if spanned > MAX_PERIODS:
        message = f"from and to span {spanned} {query.granularity}s; at most {MAX_PERIODS} per request"
        raise InvalidRequest([FieldProblem("period", message)])
    if query.start >= query.end:
        return []
    # Local dates run from UTC-12:00 to UTC+14:00: every period that can hold an instant of [from, to).
    first = period_start(_shifted(query.start, MOST_WEST), query.granularity)
    last = period_start(_shifted(utc_last, MOST_EAST), query.granularity)
    found: dict[str, UserAggregate] = {}
    for period in store.period_aggregates(user_id, query.granularity, first.isoformat(), last.isoformat()):
        _count(period, query.granularity, query, store, user_id, found.setdefault(period.start, UserAggregate()))
    return [_period_view(start, totals) for start, totals in sorted(found.items()) if totals.workouts]


def _count(
    period: PeriodAggregate, granularity: Granularity, query: PeriodQuery, store: WorkoutStore, user_id: str,
    into: UserAggregate,
) -> None:  # fmt: skip
    """Add what of `period` (totals at one offset) lies in [from, to): all of it, nothing, or, for a period that
    from or to cuts through, its days (read from their own totals) and the workouts of a day that is cut."""
    begin, end = _instants(period.start, period.utc_offset, granularity)
    if (end is not None and end <= query.start) or begin >= query.end:
        return
    if begin >= query.start and end is not None and end <= query.end:
        into.absorb(period.totals)
        return
    if granularity != "day":
        first_day = date.fromisoformat(period.start)
        last_day = date.max if end is None else next_start(first_day, granularity) - timedelta(days=1)
        for day in store.period_aggregates(user_id, "day", period.start, last_day.isoformat()):
            if day.utc_offset == period.utc_offset:
                _count(day, "day", query, store, user_id, into)
        return
    low, high = time_range(query.start, query.end)
    inner_low, inner_high = max(low, utc_text(begin)), min(high, utc_text(end)) if end is not None else high
    after = None
    while True:
        page = store.user_workouts(user_id, inner_low, inner_high, None, 100, after)
        for record in page.records:
            if record.utc_offset == period.utc_offset:
                into.add(record)
        if page.after is None:
            return
        after = page.after


def _by_type(aggregate: UserAggregate) -> dict[str, TypeTotals]:
    return {
        workout_type: TypeTotals(
            workouts=totals.workouts, durationMinutes=totals.duration_minutes, caloriesBurned=totals.calories_burned
        )
        for workout_type, totals in sorted(aggregate.by_type.items())
        if totals.workouts
    }


def _period_view(start: str, totals: UserAggregate) -> PeriodTotals:
    return PeriodTotals(
        start=start,
        workouts=totals.workouts,
        durationMinutes=totals.duration_minutes,
        caloriesBurned=totals.calories_burned,
        distanceKm=totals.distance_km,
        byType=_by_type(totals),
    )


def user_stats(user_id: str, recent: int, store: WorkoutStore, periods: PeriodQuery | None = None) -> UserStats:
    aggregate = store.user_aggregate(user_id)
    recent_records = store.recent_workouts(user_id, recent)
    return UserStats(
        userId=user_id,
        totalWorkouts=aggregate.workouts,
        totalDurationMinutes=aggregate.duration_minutes,
        totalCaloriesBurned=aggregate.calories_burned,
        totalDistanceKm=aggregate.distance_km,
        byType=_by_type(aggregate),
        recentWorkouts=[workout_view(record) for record in recent_records],
        lastWorkoutAt=recent_records[0].timestamp if recent_records else None,
        periods=None if periods is None else period_totals(user_id, periods, store),
    )
