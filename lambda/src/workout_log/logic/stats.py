"""A user's statistics: the running aggregate (one read) plus the newest workouts (one query)."""

from __future__ import annotations

from workout_log.dal.base import WorkoutStore
from workout_log.logic.workouts import workout_view
from workout_log.models.workout import TypeTotals, UserStats


def user_stats(user_id: str, recent: int, store: WorkoutStore) -> UserStats:
    aggregate = store.user_aggregate(user_id)
    recent_records = store.recent_workouts(user_id, recent)
    return UserStats(
        userId=user_id,
        totalWorkouts=aggregate.workouts,
        totalDurationMinutes=aggregate.duration_minutes,
        totalCaloriesBurned=aggregate.calories_burned,
        totalDistanceKm=aggregate.distance_km,
        byType={
            workout_type: TypeTotals(
                workouts=totals.workouts,
                durationMinutes=totals.duration_minutes,
                caloriesBurned=totals.calories_burned,
            )
            for workout_type, totals in aggregate.by_type.items()
        },
        recentWorkouts=[workout_view(record) for record in recent_records],
        lastWorkoutAt=recent_records[0].timestamp if recent_records else None,
    )
