"""No destroy on upgrade: every environment applied as the first layout had it (one dynamodb call for three tables,
two fixed SSM parameters, throttle alarms keyed by table name, environments/common linked into each root) is
planned with this checkout's configuration over the same state (tests/conftest.py `emulated`, UPGRADE_FROM).
The moved blocks in environments/<env>/moved.tf and modules/workout-log/moved.tf must carry every object over."""

from __future__ import annotations

import pytest

from tfconfig import ENVIRONMENTS


def upgrade_plan(emulated, env: str) -> dict:
    plan = emulated[env].deployment.upgrade_plan
    if plan is None:
        pytest.skip("TEST_UPGRADE_FROM is empty: the stack was applied from this checkout alone")
    return plan


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_upgrading_destroys_and_replaces_nothing(env, emulated):
    changes = upgrade_plan(emulated, env)["resource_changes"]

    destroyed = [c["address"] for c in changes if "delete" in c["change"]["actions"]]
    created = [c["address"] for c in changes if c["change"]["actions"] == ["create"]]
    assert destroyed == [], f"{env}: the upgrade destroys or replaces {destroyed}"
    assert created == [], f"{env}: the upgrade creates {created} (a move that is missing makes a delete and a create)"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_object_of_the_first_layout_is_moved_not_forgotten(env, emulated):
    changes = upgrade_plan(emulated, env)["resource_changes"]
    moved = [c for c in changes if c.get("previous_address")]
    managed = [c for c in changes if c["mode"] == "managed" and not c["change"].get("importing")]

    assert len(moved) == len(managed), "every managed object was renamed"
    assert all(c["address"].startswith("module.workout_log.") for c in moved)
    assert not [c["address"] for c in changes if c["change"]["actions"] == ["forget"]]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_execution_log_group_api_gateway_made_is_imported_not_created(env, emulated):
    """The first layout left the stage's execution log group to API Gateway, which creates it on the stage's first
    log line (tests/conftest.py `stages_have_logged` does that between the two applies). Creating it again would
    fail in AWS; with import_execution_log_group = true (environments/<env>/imports.tf) the upgrade adopts it."""
    changes = upgrade_plan(emulated, env)["resource_changes"]
    imported = {c["address"]: c for c in changes if c["change"].get("importing")}

    (address,) = imported
    assert address == "module.workout_log.module.api.aws_cloudwatch_log_group.execution[0]"
    assert imported[address]["change"]["importing"]["id"].startswith("API-Gateway-Execution-Logs_")
    assert imported[address]["change"]["actions"] == ["update"]  # the retention it lacked
