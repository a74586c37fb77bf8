"""Names of the local stack's resources and the environment each handler gets (no AWS imports here)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_DURATION_MINUTES = 240
DEFAULT_WORKOUT_TYPES = ("running", "cycling", "swimming", "walking", "rowing", "strength", "yoga", "hiit")
DEFAULT_SHARDS = 10


@dataclass(frozen=True)
class StackNames:
    prefix: str = "workout-log-local"
    parameter_prefix: str = "/workout-log/local"
    shards: int = DEFAULT_SHARDS

    @property
    def workouts_table(self) -> str:
        return f"{self.prefix}-workouts"

    @property
    def stats_table(self) -> str:
        return f"{self.prefix}-user-stats"

    @property
    def idempotency_table(self) -> str:
        return f"{self.prefix}-idempotency"

    def process_env(self) -> dict[str, str]:
        return {
            **self.stats_env(),
            "POWERTOOLS_METRICS_NAMESPACE": "WorkoutLog",
            "IDEMPOTENCY_TABLE_NAME": self.idempotency_table,
            "WORKOUT_TYPE_SHARDS": str(self.shards),
            "CONFIG_PARAMETER_PREFIX": self.parameter_prefix,
            "POWERTOOLS_PARAMETERS_MAX_AGE": "300",
        }

    def stats_env(self) -> dict[str, str]:
        return {
            "POWERTOOLS_SERVICE_NAME": "workout-log",
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "WORKOUTS_TABLE_NAME": self.workouts_table,
            "STATS_TABLE_NAME": self.stats_table,
            "USER_BINDING": "none",
        }
