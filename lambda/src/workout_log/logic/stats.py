"""A user's statistics: the running aggregate (one read) plus the newest workouts (one query)."""

from __future__ import annotations

from typing import Any

from workout_log.dal.base import WorkoutStore
from workout_log.logic.workouts import as_number, record_view


def user_stats(user_id: str, recent: int, store: WorkoutStore) -> dict[str, Any]:
    aggregate = store.user_aggregate(user_id)
    recent_records = store.recent_workouts(user_id, recent)
    return {
        "userId": user_id,
        "totalWorkouts": aggregate.workouts,
        "totalDurationMinutes": as_number(aggregate.duration_minutes),
        "totalCaloriesBurned": as_number(aggregate.calories_burned),
        "totalDistanceKm": as_number(aggregate.distance_km),
        "byType": {
            workout_type: {
                "workouts": totals.workouts,
                "durationMinutes": as_number(totals.duration_minutes),
                "caloriesBurned": as_number(totals.calories_burned),
            }
            for workout_type, totals in aggregate.by_type.items()
        },
        "recentWorkouts": [record_view(record) for record in recent_records],
        "lastWorkoutAt": recent_records[0].timestamp if recent_records else None,
    }
