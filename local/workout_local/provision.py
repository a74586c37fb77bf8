"""Create in the emulator what the environments deploy: the three tables with the same keys and index, and the
SSM parameters with their defaults. Key names come from the package's data layer; the contract tests check that
modules/dynamodb and modules/config declare the same."""

from __future__ import annotations

from typing import Any

from workout_local.names import DEFAULT_MAX_DURATION_MINUTES, DEFAULT_WORKOUT_TYPES, StackNames
from workout_log.dal import dynamodb as schema
from workout_log.logic.config import parameter_names


def create_tables(dynamodb: Any, names: StackNames) -> None:
    dynamodb.create_table(
        TableName=names.workouts_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": schema.WORKOUTS_PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": schema.WORKOUTS_SORT_KEY, "AttributeType": "S"},
            {"AttributeName": schema.TYPE_INDEX_PARTITION_KEY, "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": schema.WORKOUTS_PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": schema.WORKOUTS_SORT_KEY, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": schema.TYPE_INDEX_NAME,
                "KeySchema": [
                    {"AttributeName": schema.TYPE_INDEX_PARTITION_KEY, "KeyType": "HASH"},
                    {"AttributeName": schema.WORKOUTS_SORT_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.create_table(
        TableName=names.stats_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": schema.STATS_PARTITION_KEY, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": schema.STATS_PARTITION_KEY, "KeyType": "HASH"}],
    )
    dynamodb.create_table(
        TableName=names.idempotency_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    dynamodb.update_time_to_live(
        TableName=names.idempotency_table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"}
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
