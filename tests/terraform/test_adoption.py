"""Changes a team makes to a module in its own stack that this project's environments never make, applied on the
embedded emulator: a table created on demand, with an index and TTL, then promoted to provisioned capacity with
TTL turned off. Each step is a real plan and apply of modules/dynamodb; the table is then read back from DynamoDB.
(The same traps have plan-level runs with a mocked provider in modules/dynamodb/tests.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("terraform-examples")

TABLE = {
    "name": "adopted-orders",
    "hash_key": {"name": "customerId"},
    "global_secondary_indexes": {"byStatus": {"hash_key": {"name": "status"}}},
    "deletion_protection": False,
}
ON_DEMAND = {**TABLE, "ttl_attribute_name": "expiresAt"}
PROMOTED = {**TABLE, "billing_mode": "PROVISIONED", "autoscaling": {"min_capacity": 5, "max_capacity": 20}}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    from workout_local.emulator import EmulatorProcess

    started = EmulatorProcess().start()
    yield started
    started.stop()


def write_root(deployment: Any, arguments: dict[str, Any]) -> None:
    """The root a team writes: one call of the module (arguments as JSON, which HCL reads)."""
    lines = "\n".join(f"  {name} = {json.dumps(value)}" for name, value in arguments.items())
    (deployment.directory / "main.tf").write_text(f'module "table" {{\n  source = "../modules/dynamodb"\n{lines}\n}}\n')


def planned_table(plan: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    (change,) = [c for c in plan["resource_changes"] if c["address"] == "module.table.aws_dynamodb_table.this"]
    return change["change"]["actions"], change["change"]["after"]


@dataclass
class Promotion:
    on_demand: dict[str, Any]  # DescribeTable after the first apply
    ttl_before: dict[str, Any]  # DescribeTimeToLive after the first apply
    actions: list[str]  # what the switch's plan does to the table
    planned: dict[str, Any]  # the table as the switch's plan asks for it
    promoted: dict[str, Any]  # DescribeTable after the switch
    ttl_after: dict[str, Any]
    replanned: list[str]  # every change the plan after the switch still wants


@pytest.fixture(scope="module")
def promotion(emulator, tmp_path_factory) -> Promotion:
    from workout_local.deploy import OVERRIDE_FILE, Deployment, ProviderUnavailable, copy_configuration, override

    work = tmp_path_factory.mktemp("adoption")
    copy_configuration(work)
    deployment = Deployment("adoption", work / "team")
    deployment.directory.mkdir()
    (deployment.directory / OVERRIDE_FILE).write_text(override(emulator.endpoint))
    write_root(deployment, ON_DEMAND)
    try:
        deployment.init()
    except ProviderUnavailable as unavailable:
        pytest.skip(str(unavailable))
    dynamodb = emulator.client("dynamodb")

    deployment.apply()
    on_demand = dynamodb.describe_table(TableName=TABLE["name"])["Table"]
    ttl_before = dynamodb.describe_time_to_live(TableName=TABLE["name"])["TimeToLiveDescription"]

    write_root(deployment, PROMOTED)
    deployment.apply()
    actions, planned = planned_table(deployment.planned)
    promoted = dynamodb.describe_table(TableName=TABLE["name"])["Table"]
    ttl_after = dynamodb.describe_time_to_live(TableName=TABLE["name"])["TimeToLiveDescription"]

    replanned = [
        f"{c['address']}: {'/'.join(c['change']['actions'])}"
        for c in deployment.plan()["resource_changes"]
        if c["change"]["actions"] != ["no-op"]
    ]
    return Promotion(on_demand, ttl_before, actions, planned, promoted, ttl_after, replanned)


def test_an_on_demand_table_with_an_index_becomes_provisioned_at_min_capacity(promotion):
    """Before: the switch planned 0 read and 0 write units for the table (held by ignore_changes) and for the index
    (read back from the on-demand table), which DynamoDB refuses."""
    assert promotion.on_demand["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert promotion.actions == ["update"]

    (index,) = promotion.planned["global_secondary_index"]
    planned = (promotion.planned["read_capacity"], promotion.planned["write_capacity"])
    assert planned == (index["read_capacity"], index["write_capacity"]) == (5, 5)

    assert promotion.promoted["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    throughput = [promotion.promoted["ProvisionedThroughput"]]
    throughput += [i["ProvisionedThroughput"] for i in promotion.promoted["GlobalSecondaryIndexes"]]
    assert [(t["ReadCapacityUnits"], t["WriteCapacityUnits"]) for t in throughput] == [(5, 5), (5, 5)]


def test_unsetting_the_ttl_attribute_turns_ttl_off(promotion):
    """Before: unsetting ttl_attribute_name dropped the block, the plan changed nothing and items kept expiring."""
    assert promotion.ttl_before == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    # DynamoDB disables TTL only when told the attribute it is on: the plan names it.
    assert promotion.planned["ttl"] == [{"attribute_name": "expiresAt", "enabled": False}]
    assert promotion.ttl_after["TimeToLiveStatus"] == "DISABLED"


def test_after_the_switch_terraform_wants_nothing_more(promotion):
    assert promotion.replanned == []
