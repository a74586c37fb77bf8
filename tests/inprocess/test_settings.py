"""Environment parsing: every variable a handler reads, with clear errors."""

from __future__ import annotations

import pytest

from workout_log.models.errors import ConfigurationError
from workout_log.models.settings import ProcessSettings, StatsSettings, env_var_names


def test_each_function_reads_only_what_its_routes_need():
    assert env_var_names(StatsSettings) - env_var_names(ProcessSettings) == {"PAGE_TOKEN_KEY_ARN"}
    assert env_var_names(ProcessSettings) - env_var_names(StatsSettings) == {
        "IDEMPOTENCY_TABLE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
    }


def test_missing_and_invalid_variables_are_named(monkeypatch):
    monkeypatch.delenv("WORKOUTS_TABLE_NAME")
    monkeypatch.setenv("USER_BINDING", "anybody")

    with pytest.raises(ConfigurationError) as raised:
        ProcessSettings.from_env()

    assert "WORKOUTS_TABLE_NAME (missing)" in str(raised.value)
    assert "USER_BINDING" in str(raised.value)


def test_the_in_process_stacks_set_exactly_the_variables_each_function_reads():
    """support.inprocess writes the variable names once more: they must be the ones the settings models read, as
    the deployed functions' are (tests/contract/test_contract.py)."""
    from support.inprocess import StackNames

    names = StackNames()
    assert set(names.process_env()) == env_var_names(ProcessSettings)
    assert set(names.stats_env()) == env_var_names(StatsSettings)
