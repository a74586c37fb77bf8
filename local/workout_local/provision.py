"""Create in an emulator what the environments deploy, without Terraform: the three tables, with the keys, index,
stream and time to live the composition (modules/workout-log) declares, and the SSM parameters with its defaults.
Every fact comes from workout_local.composition; tests/contract/test_local_copies.py checks that the result is what
`terraform apply` of an environment made."""

from __future__ import annotations

from typing import Any

from workout_local.composition import Key, TableShape, table_shapes
from workout_local.names import DEFAULT_MAX_DURATION_MINUTES, DEFAULT_WORKOUT_TYPES, StackNames
from workout_log.logic.config import parameter_names


def _key_schema(hash_key: Key, range_key: Key | None) -> list[dict[str, str]]:
    keys = [{"AttributeName": hash_key.name, "KeyType": "HASH"}]
    return keys + ([{"AttributeName": range_key.name, "KeyType": "RANGE"}] if range_key else [])


def create_table_request(name: str, shape: TableShape) -> dict[str, Any]:
    """The CreateTable request for one table of the composition (on-demand: the emulator has no capacity)."""
    keys = [shape.hash_key, shape.range_key] + [key for index in shape.indexes.values() for key in index[:2]]
    attributes = {key.name: key.type for key in keys if key is not None}
    request: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in sorted(attributes.items())],
        "KeySchema": _key_schema(shape.hash_key, shape.range_key),
    }
    if shape.indexes:
        request["GlobalSecondaryIndexes"] = [
            {"IndexName": index, "KeySchema": _key_schema(hash_key, range_key), "Projection": {"ProjectionType": kind}}
            for index, (hash_key, range_key, kind) in shape.indexes.items()
        ]
    if shape.stream_view_type:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": shape.stream_view_type}
    return request


def create_tables(dynamodb: Any, names: StackNames) -> None:
    for call, shape in table_shapes().items():
        name = names.table(call)
        dynamodb.create_table(**create_table_request(name, shape))
        if shape.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": shape.ttl_attribute}
            )


def put_parameters(
    ssm: Any,
    names: StackNames,
    max_duration: int = DEFAULT_MAX_DURATION_MINUTES,
    workout_types: tuple[str, ...] = DEFAULT_WORKOUT_TYPES,
) -> None:
    duration_name, types_name = parameter_names(names.parameter_prefix)
    ssm.put_parameter(Name=duration_name, Type="String", Value=str(max_duration), Overwrite=True)
    ssm.put_parameter(Name=types_name, Type="StringList", Value=",".join(workout_types), Overwrite=True)


def provision(session_client: Any, names: StackNames) -> None:
    """`session_client(service)` returns a boto3 client bound to the emulator."""
    create_tables(session_client("dynamodb"), names)
    put_parameters(session_client("ssm"), names)
