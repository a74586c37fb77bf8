"""Every module's examples/basic applied to the embedded emulator, as a team that is not this application would
use it, then planned again: the plan must be empty. The dynamodb example also proves that Terraform and auto
scaling do not fight over an index's capacity.

The examples deploy the lambda module's two-line test handler (modules/lambda/tests/fixtures/handler.zip), not the
application's zip: nothing here invokes a function, and so the examples need no build and run in their own
pytest-xdist group, beside the environments' applies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from support.terraform import MODULE_NAMES, MODULES

pytestmark = pytest.mark.xdist_group("terraform-examples")

PACKAGE = MODULES / "lambda" / "tests" / "fixtures" / "handler.zip"
# The application's own composition is applied as dev, staging and prod (tests/conftest.py `emulated`), which are
# calls of it like its example; its example is validated (tests/terraform/test_validate.py).
APPLIED = [module for module in MODULE_NAMES if module != "workout-log"]


@pytest.fixture(scope="module")
def examples_emulator() -> Iterator[Any]:
    from workout_local.emulator import EmulatorProcess

    emulator = EmulatorProcess().start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def examples(examples_emulator, tmp_path_factory) -> Any:
    """Every example applied to one emulator in one apply (workout_local.deploy.deploy_examples)."""
    from workout_local.deploy import ProviderUnavailable, deploy_examples

    work = tmp_path_factory.mktemp("examples")
    try:
        return deploy_examples(APPLIED, examples_emulator.endpoint, work, PACKAGE)
    except ProviderUnavailable as unavailable:
        pytest.skip(str(unavailable))


def pending_changes(deployment) -> list[str]:
    return [
        f"{change['address']}: {'/'.join(change['change']['actions'])}"
        for change in deployment.plan().get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    ]


@pytest.fixture(scope="module")
def replanned(examples, examples_emulator) -> list[str]:
    """The plan after apply, once auto scaling has raised an index's capacity (what Application Auto Scaling does
    on a scale-out): nothing may change, anywhere."""
    dynamodb = examples_emulator.client("dynamodb")
    throughput = {"ReadCapacityUnits": 42, "WriteCapacityUnits": 17}
    dynamodb.update_table(
        TableName="example-orders",
        GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byStatus", "ProvisionedThroughput": throughput}}],
    )
    described = dynamodb.describe_table(TableName="example-orders")["Table"]["GlobalSecondaryIndexes"]
    (now,) = [index["ProvisionedThroughput"] for index in described if index["IndexName"] == "byStatus"]
    assert (now["ReadCapacityUnits"], now["WriteCapacityUnits"]) == (42, 17)
    return pending_changes(examples)


@pytest.mark.parametrize("module", APPLIED)
def test_the_example_applies_and_its_next_plan_is_empty(module, examples, replanned):
    assert list(examples.resources(under=f"module.{module}.")), f"{module}: the example created nothing"
    assert [change for change in replanned if change.startswith(f"module.{module}.")] == []


def test_the_dynamodb_example_makes_a_table_of_another_shape(examples):
    tables = {t["values"]["name"]: t["values"] for t in examples.resources("aws_dynamodb_table", "module.dynamodb.")}
    orders = tables["example-orders"]

    assert (orders["hash_key"], orders["range_key"]) == ("customerId", "orderedAt")
    assert {a["name"]: a["type"] for a in orders["attribute"]} == {
        "customerId": "S", "orderedAt": "N", "status": "S", "sku": "S"
    }  # fmt: skip
    indexes = {i["name"]: i for i in orders["global_secondary_index"]}
    assert (indexes["byStatus"]["hash_key"], indexes["byStatus"]["range_key"]) == ("status", "orderedAt")
    assert indexes["bySku"]["projection_type"] == "INCLUDE" and indexes["bySku"]["non_key_attributes"] == ["quantity"]
    assert orders["ttl"] == [{"attribute_name": "expiresAt", "enabled": True}]
    assert orders["stream_view_type"] == "NEW_IMAGE"
    # one key, created by the first call, encrypts both tables
    (key,) = [k["values"]["arn"] for k in examples.resources("aws_kms_key", "module.dynamodb.")]
    assert {t["server_side_encryption"][0]["kms_key_arn"] for t in tables.values()} == {key}

    targets = {t["values"]["resource_id"] + " " + t["values"]["scalable_dimension"]: t["values"]
               for t in examples.resources("aws_appautoscaling_target", "module.dynamodb.")}  # fmt: skip
    assert len(targets) == 6 and Counter(t["max_capacity"] for t in targets.values()) == {100: 4, 200: 2}
    assert targets["table/example-orders/index/byStatus dynamodb:index:ReadCapacityUnits"]["max_capacity"] == 200


def test_terraform_keeps_the_index_capacity_auto_scaling_set(replanned):
    """ignore_changes cannot reach an index's capacity; without the module reading the capacity the table has now,
    the plan after a scale-out would set the index back to min_capacity (hashicorp/terraform-provider-aws#671).
    `replanned` raised byStatus to 42/17 before planning."""
    assert [change for change in replanned if change.startswith("module.dynamodb.")] == []


def test_the_config_example_stores_each_parameter_under_the_prefix(examples):
    created = examples.resources("aws_ssm_parameter", "module.config.")
    parameters = {p["values"]["name"]: p["values"]["type"] for p in created}

    assert parameters == {
        "/billing/dev/invoice-due-days": "String",
        "/billing/dev/currencies": "StringList",
        "/billing/dev/webhook-secret": "SecureString",
    }
