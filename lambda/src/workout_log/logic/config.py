"""Runtime configuration from SSM Parameter Store, through the Powertools parameters cache.

Parameters (created by modules/config under the environment's prefix):
- `<prefix>/max-workout-duration-minutes`: String, a positive number.
- `<prefix>/workout-types`: StringList, comma-separated type names.
When SSM fails after a successful read, the last good values keep serving (and a warning is logged): a config
store outage must not take writes down. When it fails before any good read, DependencyUnavailable is raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from workout_log.models.errors import DependencyUnavailable

MAX_DURATION_PARAMETER = "max-workout-duration-minutes"
WORKOUT_TYPES_PARAMETER = "workout-types"


@dataclass(frozen=True)
class WorkoutConfig:
    max_duration_minutes: float
    workout_types: tuple[str, ...]


_last_good: dict[str, WorkoutConfig] = {}


def parameter_names(prefix: str) -> tuple[str, str]:
    return f"{prefix}/{MAX_DURATION_PARAMETER}", f"{prefix}/{WORKOUT_TYPES_PARAMETER}"


def load_config(prefix: str, max_age: int) -> WorkoutConfig:
    from aws_lambda_powertools.utilities import parameters

    from workout_log.observability import logger

    duration_name, types_name = parameter_names(prefix)
    try:
        config = WorkoutConfig(
            max_duration_minutes=float(parameters.get_parameter(duration_name, max_age=max_age)),
            workout_types=tuple(
                t.strip() for t in parameters.get_parameter(types_name, max_age=max_age).split(",") if t.strip()
            ),
        )
    except (parameters.exceptions.GetParameterError, ValueError) as exc:
        if prefix in _last_good:
            logger.warning("SSM unavailable; serving the last good configuration", extra={"error": str(exc)})
            return _last_good[prefix]
        logger.error("SSM unavailable and no configuration cached", extra={"error": str(exc)})
        raise DependencyUnavailable("Configuration is temporarily unavailable.", retry_after=5) from exc
    _last_good[prefix] = config
    return config


def forget_config() -> None:
    """Clear the last good values and the Powertools cache (tests call this between scenarios)."""
    from aws_lambda_powertools.utilities import parameters

    _last_good.clear()
    parameters.clear_caches()
