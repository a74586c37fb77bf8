"""What runs without Terraform is what `terraform apply` makes: the in-process stack of the in-process and
reliability suites (tests/support/inprocess.py, plain data) is compared with what Terraform created in dev's
emulator, so a change to the composition that the copy misses fails here. A route written outside
workout_log/api.py fails the scan at the end."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from support import inprocess
from support.terraform import ENVIRONMENTS, ROOT

LOCAL = ROOT / "local" / "workout_local"
PACKAGE = ROOT / "lambda" / "src" / "workout_log"


def shape(dynamodb: Any, name: str) -> dict[str, Any]:
    """What a table is, as DynamoDB describes it, without names of the environment or billing."""
    table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    stream = table.get("StreamSpecification") or {}
    return {
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]),
        "keys": [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]],
        "indexes": sorted(
            (i["IndexName"], [(k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]], i["Projection"])
            for i in table.get("GlobalSecondaryIndexes", [])
        ),
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "ttl": ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") == "ENABLED" else None,
    }


def parameters(ssm: Any, prefix: str) -> dict[str, tuple[str, str]]:
    """name under the prefix -> (type, value)."""
    found = ssm.get_parameters_by_path(Path=prefix, Recursive=True)["Parameters"]
    return {p["Name"].removeprefix(prefix): (p["Type"], p["Value"]) for p in found}


@pytest.fixture(scope="module")
def dev(emulated):
    if "dev" not in ENVIRONMENTS:
        pytest.skip("compares with dev, which deploys the composition's defaults")
    return emulated["dev"]


def test_the_in_process_tables_are_the_tables_terraform_made(dev):
    import boto3
    from moto import mock_aws

    names = inprocess.StackNames(prefix="workout-log-dev")
    applied = {t["values"]["name"] for t in dev.deployment.resources("aws_dynamodb_table")}
    assert {names.prefix + suffix for suffix in inprocess.TABLES} == applied, "the table names are not the applied ones"
    deployed = {name: shape(dev.emulator.client("dynamodb"), name) for name in sorted(applied)}

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        inprocess.create_tables(client, names)
        in_process = {name: shape(client, name) for name in sorted(applied)}

    assert in_process == deployed


def test_the_in_process_parameters_and_constants_are_the_composition_defaults(dev):
    import boto3
    from moto import mock_aws

    process = dev.deployment.functions()["process_workout"].environment
    deployed = parameters(dev.emulator.client("ssm"), process["CONFIG_PARAMETER_PREFIX"])
    with mock_aws():
        client = boto3.client("ssm", region_name="us-east-1")
        inprocess.put_parameters(client, inprocess.NAMES)
        in_process = parameters(client, inprocess.NAMES.parameter_prefix)

    assert in_process == deployed
    copied = {
        name: inprocess.NAMES.process_env()[name]
        for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE")
    }
    assert copied == {name: process[name] for name in copied}


def written_strings(path: Path) -> list[str]:
    """The string literals of a Python file, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def route_facts() -> set[str]:
    """Each route's path and its "METHOD /path" key, as workout_log.api declares them once."""
    from workout_log import api

    return set(api.ROUTES) | {f"{method} {path}" for path, methods in api.ROUTES.items() for method in methods}


ROUTE_SCANNED = sorted((set(LOCAL.glob("*.py")) | set(PACKAGE.rglob("*.py"))) - {PACKAGE / "api.py"})


@pytest.mark.parametrize("path", ROUTE_SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_route_is_written_outside_the_api_module(path: Path):
    copies = sorted({text for text in written_strings(path) if text in route_facts()})
    assert copies == [], f"{path.relative_to(ROOT)} writes {copies}: use workout_log.api's paths"


def test_the_in_process_change_events_filter_as_the_applied_mapping(dev):
    """The in-process suites deliver the stream with the filters of modules/workout-log/events.tf."""
    import json

    ((mapping, _),) = dev.deployment.stream_mappings()

    assert [json.loads(pattern) for pattern in mapping.filters] == list(inprocess.CHANGE_FILTERS)
    assert (mapping.bisect, mapping.report_failures) == (True, True)
