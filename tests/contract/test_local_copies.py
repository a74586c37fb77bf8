"""What runs without Terraform (the in-process moto stack of the in-process and reliability suites, the benchmarks)
is made from the composition's own declarations (local/workout_local/composition.py reads modules/workout-log), and
is what `terraform apply` makes: its tables are compared with the ones Terraform created in dev's emulator. A second
copy of a composition fact written into local/, or of a route written outside workout_log/api.py, fails the scans
at the end."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tfconfig import ENVIRONMENTS, ROOT
from workout_local.composition import local_value, table_shapes, variable_default

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


def test_the_in_process_tables_are_the_tables_terraform_made(emulated):
    import boto3
    from moto import mock_aws

    from workout_local.names import StackNames
    from workout_local.provision import create_tables

    if "dev" not in ENVIRONMENTS:
        pytest.skip("compares with dev")
    deployed_client = emulated["dev"].emulator.client("dynamodb")
    applied = {t["values"]["name"] for t in emulated["dev"].deployment.resources("aws_dynamodb_table")}
    names = StackNames(prefix="workout-log-dev")
    assert {names.table(call) for call in table_shapes()} == applied, "the local names are not the applied ones"
    deployed = {call: shape(deployed_client, names.table(call)) for call in table_shapes()}

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_tables(client, names)
        in_process = {call: shape(client, names.table(call)) for call in table_shapes()}

    assert in_process == deployed


def composition_facts() -> set[str]:
    """Every string the composition declares that local code needs: keys, indexes, time to live, stream, table
    name suffixes, workout types, the service name and metrics namespace."""
    facts = {local_value("service_name"), local_value("metrics_ns"), *variable_default("workout_types")}
    for table in table_shapes().values():
        facts |= {table.name_suffix, table.hash_key.name}
        facts |= {table.range_key.name} if table.range_key else set()
        facts |= {value for value in (table.ttl_attribute, table.stream_view_type) if value}
        for index, (hash_key, range_key, _) in table.indexes.items():
            facts |= {index, hash_key.name} | ({range_key.name} if range_key else set())
    return facts


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


# composition.py is the reader: it names the composition's folder, nothing it reads.
@pytest.mark.parametrize("path", sorted(set(LOCAL.glob("*.py")) - {LOCAL / "composition.py"}), ids=lambda p: p.name)
def test_local_code_writes_no_fact_of_the_composition_again(path: Path):
    facts = composition_facts()
    assert "byTypeAndTime" in facts and "running" in facts  # the reader found them

    copies = sorted({text for text in written_strings(path) if text in facts})
    assert copies == [], f"{path.relative_to(ROOT)} writes {copies}: read them from workout_local.composition"


def route_facts() -> set[str]:
    """Each route's path and its "METHOD /path" key, as workout_log.api declares them once."""
    from workout_log import api

    return set(api.ROUTES) | {f"{method} {path}" for path, methods in api.ROUTES.items() for method in methods}


ROUTE_SCANNED = sorted(
    (set(LOCAL.glob("*.py")) | set(PACKAGE.rglob("*.py"))) - {LOCAL / "composition.py", PACKAGE / "api.py"}
)


@pytest.mark.parametrize("path", ROUTE_SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_route_is_written_outside_the_api_module(path: Path):
    copies = sorted({text for text in written_strings(path) if text in route_facts()})
    assert copies == [], f"{path.relative_to(ROOT)} writes {copies}: use workout_log.api's paths"


@pytest.mark.parametrize(
    ("text", "value"),
    [('"userId"', "userId"), (['"a"', '"b"'], ["a", "b"]), (240, 240), ("${(local.type_index_name)}", "byTypeAndTime")],
)
def test_the_reader_takes_literals_and_literal_locals(text, value):
    from workout_local.composition import _literal

    assert _literal(text) == value


@pytest.mark.parametrize("text", ['"${local.name_prefix}-workouts"', "${var.environment}", "${module.api.name}"])
def test_the_reader_refuses_what_is_not_a_literal(text):
    """A fact the composition computes cannot be read without Terraform: the reader says so rather than guess."""
    from workout_local.composition import _literal

    with pytest.raises(ValueError, match="is not a literal"):
        _literal(text)
