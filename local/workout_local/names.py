"""Names of an in-process stack's resources and the environment each handler gets (no AWS imports here). Names,
defaults and constants are the composition's (modules/workout-log, read by workout_local.composition); the
variable names are the ones the package's settings models read (tests/inprocess/test_settings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from workout_local.composition import local_value, table_shapes, variable_default

DEFAULT_MAX_DURATION_MINUTES: int = variable_default("max_workout_duration_minutes")
DEFAULT_WORKOUT_TYPES: tuple[str, ...] = tuple(variable_default("workout_types"))
DEFAULT_SHARDS: int = variable_default("type_index_shards")


@dataclass(frozen=True)
class StackNames:
    prefix: str = "workout-log-local"
    parameter_prefix: str = "/workout-log/local"
    shards: int = DEFAULT_SHARDS

    def table(self, call: str) -> str:
        """The name of the table a module call of the composition makes ("workouts_table", ...)."""
        return self.prefix + table_shapes()[call].name_suffix

    @property
    def workouts_table(self) -> str:
        return self.table("workouts_table")

    @property
    def stats_table(self) -> str:
        return self.table("user_stats_table")

    @property
    def idempotency_table(self) -> str:
        return self.table("idempotency_table")

    def process_env(self) -> dict[str, str]:
        return {
            **self.stats_env(),
            "POWERTOOLS_METRICS_NAMESPACE": local_value("metrics_ns"),
            "IDEMPOTENCY_TABLE_NAME": self.idempotency_table,
            "WORKOUT_TYPE_SHARDS": str(self.shards),
            "CONFIG_PARAMETER_PREFIX": self.parameter_prefix,
            "POWERTOOLS_PARAMETERS_MAX_AGE": str(variable_default("parameters_max_age")),
        }

    def stats_env(self) -> dict[str, str]:
        return {
            "POWERTOOLS_SERVICE_NAME": local_value("service_name"),
            "POWERTOOLS_LOG_LEVEL": variable_default("log_level"),
            "WORKOUTS_TABLE_NAME": self.workouts_table,
            "STATS_TABLE_NAME": self.stats_table,
            "USER_BINDING": variable_default("user_binding"),
        }
