"""`terraform apply` of every environment onto the embedded emulator (tests/support/stack.py `emulated`), then a
second plan that must be empty: the provider reads back exactly what it wrote. Emulator gaps are filled in
local/workout_local/emulator.py (each named there and tested in tests/e2e/test_emulator.py), so nothing here is
ignored."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from support.terraform import ENVIRONMENTS


def counts(deployment) -> Counter[str]:
    return Counter(resource["type"] for resource in deployment.resources())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_plan_after_apply_is_empty(env, emulated):
    plan = emulated[env].deployment.plan()

    changes = [
        f"{change['address']}: {'/'.join(change['change']['actions'])}"
        for change in plan.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    ]
    assert changes == [], f"{env}: the plan right after apply is not empty"
    assert all(output.get("actions", ["no-op"]) == ["no-op"] for output in plan.get("output_changes", {}).values())
    # The plan validates the configuration first: a deprecated argument or attribute would warn here.
    assert "Warning" not in emulated[env].deployment.plan_output, emulated[env].deployment.plan_output


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environment_creates_its_stack(env, emulated):
    applied = counts(emulated[env].deployment)

    assert applied["aws_lambda_function"] == 3
    assert applied["aws_lambda_event_source_mapping"] == applied["aws_cloudwatch_event_bus"] == 1
    assert applied["aws_dynamodb_table"] == 3
    assert applied["aws_api_gateway_rest_api"] == applied["aws_api_gateway_stage"] == 1
    assert applied["aws_ssm_parameter"] == 2
    assert applied["aws_cloudwatch_metric_alarm"] >= 8
    assert applied["aws_cloudwatch_dashboard"] == 1


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_billing_mode_and_auto_scaling_follow_the_environments_settings(env, emulated):
    deployment = emulated[env].deployment
    tables = {r["values"]["name"]: r["values"] for r in deployment.resources("aws_dynamodb_table")}
    modes = {table["billing_mode"] for table in tables.values()}
    targets = list(deployment.resources("aws_appautoscaling_target"))

    if env == "dev":
        assert modes == {"PAY_PER_REQUEST"}
        assert targets == []
    else:
        assert modes == {"PROVISIONED"}
        # reads and writes of the workouts table, its index, the aggregates and the idempotency records
        assert len(targets) == 8
        assert {(t["values"]["min_capacity"], t["values"]["max_capacity"]) for t in targets} == {(10, 50)}
        policies = [p["values"] for p in deployment.resources("aws_appautoscaling_policy")]
        assert len(policies) == 8
        assert {p["target_tracking_scaling_policy_configuration"][0]["target_value"] for p in policies} == {70}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_account_role_and_alarm_subscriptions_where_the_environment_asks(env, emulated):
    applied = counts(emulated[env].deployment)
    subscriptions = [s["values"] for s in emulated[env].deployment.resources("aws_sns_topic_subscription")]

    if env == "prod":
        assert applied["aws_api_gateway_account"] == 1
        assert [(s["protocol"], s["endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]
    else:
        assert applied["aws_api_gateway_account"] == 0
        assert subscriptions == []


def test_the_stage_that_owns_the_account_setting_is_created_after_it(emulated):
    """API Gateway refuses a stage's logging settings until the account's CloudWatch role is set: where an
    environment owns the setting, its stage must depend on it (Terraform records that in the state)."""
    if "prod" not in emulated:
        pytest.skip("prod is the environment that owns the setting")
    state = json.loads((emulated["prod"].deployment.directory / "terraform.tfstate").read_text())
    (stage,) = [r for r in state["resources"] if r["type"] == "aws_api_gateway_stage"]

    (instance,) = stage["instances"]
    assert f"{stage['module']}.aws_api_gateway_account.this" in instance["dependencies"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_execution_log_group_keeps_the_environments_retention_and_comes_before_the_stage(env, emulated):
    """API Gateway would create API-Gateway-Execution-Logs_<id>/<stage> itself, with no retention, on the stage's
    first log line; Terraform must have it first, with the retention of the access logs, and the stage must depend
    on it."""
    deployment = emulated[env].deployment
    (api,) = [r["values"] for r in deployment.resources("aws_api_gateway_rest_api")]
    (stage,) = [r["values"] for r in deployment.resources("aws_api_gateway_stage")]
    groups = {g["values"]["name"]: g["values"] for g in deployment.resources("aws_cloudwatch_log_group")}
    name = f"API-Gateway-Execution-Logs_{api['id']}/{stage['stage_name']}"
    access = groups[f"/aws/apigateway/{api['name']}/{stage['stage_name']}/access"]

    assert groups[name]["retention_in_days"] == access["retention_in_days"]
    (held,) = emulated[env].emulator.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert held["retentionInDays"] == access["retention_in_days"]

    state = json.loads((deployment.directory / "terraform.tfstate").read_text())
    (resource,) = [r for r in state["resources"] if r["type"] == "aws_api_gateway_stage"]
    (instance,) = resource["instances"]
    assert f"{resource['module']}.aws_cloudwatch_log_group.execution" in instance["dependencies"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_outputs_name_what_was_created(env, emulated):
    deployment = emulated[env].deployment
    outputs = deployment.outputs["workout_log"]
    functions = {f.arn for f in deployment.functions().values()}

    change_events = next(
        f.arn for f in deployment.functions().values() if f.name == outputs["change_events"]["function_name"]
    )
    assert {outputs["process_workout_function_arn"], outputs["workout_stats_function_arn"], change_events} == functions
    assert outputs["event_bus_name"] in deployment.event_buses() and outputs["event_source"] == f"workout-log.{env}"
    assert outputs["api_execution_arn"].startswith("arn:aws:execute-api:us-east-1:123456789012:")
    assert outputs["workouts_table_name"] in {r["values"]["name"] for r in deployment.resources("aws_dynamodb_table")}
