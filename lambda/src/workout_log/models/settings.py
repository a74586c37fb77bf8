"""Environment variables of each handler, parsed once per cold start.

The fields below are exactly the variables a handler reads; the lambda module sets each of them and the
contract tests check that the two lists stay equal.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workout_log.models.errors import ConfigurationError

UserBinding = Literal["none", "cognito"]


class _Environment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    service_name: str = Field(alias="POWERTOOLS_SERVICE_NAME", min_length=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(alias="POWERTOOLS_LOG_LEVEL")

    @classmethod
    def from_env(cls) -> Self:
        try:
            return cls.model_validate(dict(os.environ))
        except ValidationError as exc:
            problems = ", ".join(
                f"{err['loc'][0]} ({'missing' if err['type'] == 'missing' else err['msg']})" for err in exc.errors()
            )
            raise ConfigurationError(f"invalid environment for {cls.__name__}: {problems}") from None


class _Settings(_Environment):
    workouts_table_name: str = Field(alias="WORKOUTS_TABLE_NAME", min_length=3, max_length=255)
    stats_table_name: str = Field(alias="STATS_TABLE_NAME", min_length=3, max_length=255)
    user_binding: UserBinding = Field(alias="USER_BINDING")
    workout_type_shards: int = Field(alias="WORKOUT_TYPE_SHARDS", ge=1, le=100)
    config_parameter_prefix: str = Field(alias="CONFIG_PARAMETER_PREFIX", pattern=r"^(/[A-Za-z0-9_.-]+)+$")
    parameters_max_age: int = Field(alias="POWERTOOLS_PARAMETERS_MAX_AGE", ge=0, le=86400)


class StatsSettings(_Settings):
    """The read routes: statistics, lists, one workout, the type lookup; signs and checks page tokens."""

    page_token_key_arn: str = Field(
        alias="PAGE_TOKEN_KEY_ARN", pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$"
    )


class ProcessSettings(_Settings):
    """The write routes: validate against SSM, store, correct and delete workouts with their totals."""

    metrics_namespace: str = Field(alias="POWERTOOLS_METRICS_NAMESPACE", min_length=1)
    idempotency_table_name: str = Field(alias="IDEMPOTENCY_TABLE_NAME", min_length=3, max_length=255)


class PublishSettings(_Environment):
    """The stream consumer: each change of a workout as an event on the bus."""

    metrics_namespace: str = Field(alias="POWERTOOLS_METRICS_NAMESPACE", min_length=1)
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", pattern=r"^[A-Za-z0-9._-]{1,256}$")
    event_source: str = Field(alias="EVENT_SOURCE", pattern=r"^[A-Za-z0-9._-]{1,256}$")
    publish_notes: Literal["true", "false"] = Field(alias="PUBLISH_NOTES")


@cache
def publish_settings() -> PublishSettings:
    return PublishSettings.from_env()


@cache
def process_settings() -> ProcessSettings:
    return ProcessSettings.from_env()


@cache
def stats_settings() -> StatsSettings:
    return StatsSettings.from_env()


def env_var_names(settings_type: type[_Environment]) -> set[str]:
    """The environment variable names a settings model reads (used by the contract tests and the local stack)."""
    return {field.alias for field in settings_type.model_fields.values() if field.alias}
