"""The in-process stack of the in-process and reliability suites: moto in this process (`mock_aws`), with the
tables and parameters an environment deploys, and the environment each handler gets.

The tables are written here as plain data: tests/contract/test_local_copies.py compares them with the tables
`terraform apply` made of modules/workout-log in dev's emulator, so any drift from the composition fails there.

Fixtures (a pytest plugin, loaded by tests/conftest.py): `aws`, `api`, `stored`, `logs`, `changes`.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

# The composition's defaults (modules/workout-log/variables.tf and locals), as dev deploys them.
WORKOUT_TYPES = ("running", "cycling", "swimming", "walking", "rowing", "strength", "yoga", "hiit")
MAX_DURATION_MINUTES = 240
SERVICE_NAME = "workout-log"
METRICS_NAMESPACE = "WorkoutLog"

# CreateTable requests without a name, by the suffix the composition gives each table's name.
TABLES: dict[str, dict[str, Any]] = {
    "-workouts": {
        "AttributeDefinitions": [
            {"AttributeName": "userId", "AttributeType": "S"},
            {"AttributeName": "workoutTimestamp", "AttributeType": "S"},
            {"AttributeName": "workoutTypeShard", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "userId", "KeyType": "HASH"},
            {"AttributeName": "workoutTimestamp", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "byTypeAndTime",
                "KeySchema": [
                    {"AttributeName": "workoutTypeShard", "KeyType": "HASH"},
                    {"AttributeName": "workoutTimestamp", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    },
    "-user-stats": {
        "AttributeDefinitions": [{"AttributeName": "userId", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}],
    },
    "-idempotency": {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    },
}
TIME_TO_LIVE = {"-idempotency": "expiration"}
EVENT_BUS = "test-events"
EVENT_SOURCE = "workout-log.test"


@dataclass(frozen=True)
class StackNames:
    """The names of one in-process stack's resources, and the environment each handler gets."""

    prefix: str = "test"
    parameter_prefix: str = "/workout-log/test"
    shards: int = 4

    @property
    def workouts_table(self) -> str:
        return f"{self.prefix}-workouts"

    @property
    def stats_table(self) -> str:
        return f"{self.prefix}-user-stats"

    @property
    def idempotency_table(self) -> str:
        return f"{self.prefix}-idempotency"

    def common_env(self) -> dict[str, str]:
        return {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "WORKOUTS_TABLE_NAME": self.workouts_table,
            "STATS_TABLE_NAME": self.stats_table,
            "USER_BINDING": "none",
            "WORKOUT_TYPE_SHARDS": str(self.shards),
            "CONFIG_PARAMETER_PREFIX": self.parameter_prefix,
            "POWERTOOLS_PARAMETERS_MAX_AGE": "300",
        }

    def stats_env(self) -> dict[str, str]:
        # The key is made by the `aws` fixture; this ARN only satisfies the settings model until then.
        return {**self.common_env(), "PAGE_TOKEN_KEY_ARN": PLACEHOLDER_KEY_ARN}

    def process_env(self) -> dict[str, str]:
        return {
            **self.common_env(),
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "IDEMPOTENCY_TABLE_NAME": self.idempotency_table,
        }

    def publish_env(self) -> dict[str, str]:
        return {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "EVENT_BUS_NAME": EVENT_BUS,
            "EVENT_SOURCE": EVENT_SOURCE,
            "PUBLISH_NOTES": "false",
        }

    def handler_env(self) -> dict[str, str]:
        """What the handlers read, for tests that run them in one process."""
        return {**self.stats_env(), **self.process_env(), **self.publish_env()}


PLACEHOLDER_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
NAMES = StackNames()


def create_tables(dynamodb: Any, names: StackNames) -> None:
    for suffix, request in TABLES.items():
        name = names.prefix + suffix
        dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **request)
        if suffix in TIME_TO_LIVE:
            specification = {"Enabled": True, "AttributeName": TIME_TO_LIVE[suffix]}
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=specification)


def create_page_token_key(kms: Any) -> str:
    """The HMAC key of the page tokens (modules/workout-log/tokens.tf); its ARN."""
    key = kms.create_key(KeyUsage="GENERATE_VERIFY_MAC", KeySpec="HMAC_256", Description="page tokens")
    arn: str = key["KeyMetadata"]["Arn"]
    return arn


def put_parameters(ssm: Any, names: StackNames) -> None:
    from workout_log.logic.config import parameter_names

    duration_name, types_name = parameter_names(names.parameter_prefix)
    ssm.put_parameter(Name=duration_name, Type="String", Value=str(MAX_DURATION_MINUTES), Overwrite=True)
    ssm.put_parameter(Name=types_name, Type="StringList", Value=",".join(WORKOUT_TYPES), Overwrite=True)


def reset_process_state() -> None:
    """Forget everything a warm Lambda would keep: settings, clients, caches, idempotency wiring, metrics."""
    import boto3
    from aws_lambda_powertools.utilities.parameters import base as parameter_providers

    from workout_log.aws import reset_clients
    from workout_log.logic import workouts
    from workout_log.logic.config import forget_config
    from workout_log.models import settings
    from workout_log.observability import metrics

    # A Lambda process keeps one set of credentials; tests switch them, so the cached session and providers go too.
    boto3.DEFAULT_SESSION = None
    parameter_providers.DEFAULT_PROVIDERS.clear()
    settings.process_settings.cache_clear()
    settings.stats_settings.cache_clear()
    settings.publish_settings.cache_clear()
    workouts._idempotent_runner.cache_clear()
    reset_clients()
    forget_config()
    metrics.clear_metrics()


def table_items(table_name: str) -> list[dict[str, Any]]:
    import boto3

    return boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table_name)["Items"]


def workout_items(table_name: str) -> list[dict[str, Any]]:
    """The workout items of a workouts table (not their copies by id and type, nor the period totals)."""
    return [item for item in table_items(table_name) if item.get("itemType", {}).get("S", "workout") == "workout"]


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    reset_process_state()
    yield
    reset_process_state()


@pytest.fixture
def aws() -> Iterator[StackNames]:
    """moto in-process, provisioned with the tables and parameters an environment deploys."""
    import boto3
    from moto import mock_aws

    from workout_local.emulator import install_item_level_rollback

    # moto's in-process mock lets calls to a custom endpoint through: a leaked local stack must fail loudly here.
    assert "AWS_ENDPOINT_URL" not in os.environ, "a local stack's environment leaked into an in-process moto test"
    # moto copies every table a transaction touches, so each costs more as the tables grow; the emulator's
    # item-level rollback keeps it constant (one test process, one request at a time: the swap is safe).
    install_item_level_rollback()
    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name="us-east-1"), NAMES)
        put_parameters(boto3.client("ssm", region_name="us-east-1"), NAMES)
        os.environ["PAGE_TOKEN_KEY_ARN"] = create_page_token_key(boto3.client("kms", region_name="us-east-1"))
        try:
            yield NAMES
        finally:
            os.environ["PAGE_TOKEN_KEY_ARN"] = PLACEHOLDER_KEY_ARN


@pytest.fixture
def api(aws: StackNames) -> Any:
    from support.handlers import Api

    return Api()


@pytest.fixture
def stored(aws: StackNames) -> Any:
    """Everything stored, for tests that prove a rejected request stored nothing."""

    def snapshot() -> dict[str, int]:
        return {name: len(table_items(name)) for name in (aws.workouts_table, aws.stats_table, aws.idempotency_table)}

    return snapshot


@pytest.fixture
def logs() -> Iterator[Any]:
    """The JSON lines the Powertools logger writes (it binds its stream at import, so capsys cannot see them)."""
    from workout_log.observability import logger

    buffer = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(buffer)

    def lines(level: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
        return [entry for entry in parsed if level is None or entry["level"] == level]

    yield lines
    handler.setStream(previous)


# The change events' event source mapping (modules/workout-log/events.tf: its filters, and the stream-events
# module's retries), as plain data; tests/contract/test_local_copies.py compares them with the applied mapping.
CHANGE_FILTERS = (
    {"dynamodb": {"NewImage": {"itemType": {"S": ["workoutById"]}}}},
    {"dynamodb": {"OldImage": {"itemType": {"S": ["workoutById"]}}}},
)


@dataclass
class ChangeEvents:
    """The workouts table's stream delivered to the change-events handler, in this process, as Lambda's mapping
    would (workout_local.streams), onto a bus a watching rule copies into a queue."""

    poller: Any
    watch: Any
    dead_letters_url: str

    def published(self) -> list[dict[str, Any]]:
        """Deliver what the stream holds now; every event that has reached the bus so far, in arrival order."""
        self.poller.poll()
        self.watch.drain()
        return list(self.watch.received)

    def dead_letters(self) -> list[dict[str, Any]]:
        """What the dead-letter queue holds, left in it (each message is visible again once read)."""
        import boto3

        sqs = boto3.client("sqs", region_name="us-east-1")
        found, handles = [], []
        while True:
            answer = sqs.receive_message(QueueUrl=self.dead_letters_url, MaxNumberOfMessages=10, VisibilityTimeout=60)
            if not answer.get("Messages"):
                break
            found += [json.loads(message["Body"]) for message in answer["Messages"]]
            handles += [message["ReceiptHandle"] for message in answer["Messages"]]
        for handle in handles:
            sqs.change_message_visibility(QueueUrl=self.dead_letters_url, ReceiptHandle=handle, VisibilityTimeout=0)
        return found


@pytest.fixture
def changes(aws: StackNames) -> ChangeEvents:
    """The change events of the in-process stack: a bus, a dead-letter queue, the mapping and a watch."""
    import boto3

    from workout_local.emulator import install_event_envelope
    from workout_local.events import LambdaContext
    from workout_local.streams import BusWatch, StreamMapping, StreamPoller

    install_event_envelope()
    region = "us-east-1"
    events, sqs = boto3.client("events", region_name=region), boto3.client("sqs", region_name=region)
    streams = boto3.client("dynamodbstreams", region_name=region)
    events.create_event_bus(Name=EVENT_BUS)
    dead_letters = sqs.create_queue(QueueName="test-dead-letters")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stream_arn = boto3.client("dynamodb", region_name=region).describe_table(TableName=aws.workouts_table)["Table"][
        "LatestStreamArn"
    ]
    mapping = StreamMapping(
        stream_arn=stream_arn,
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:test-publish",
        batch_size=100,
        maximum_retry_attempts=2,
        bisect=True,
        report_failures=True,
        filters=tuple(json.dumps(pattern) for pattern in CHANGE_FILTERS),
        on_failure=queue_arn,
    )

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        from workout_log.handlers.publish_changes import handler

        answer: dict[str, Any] = handler(event, LambdaContext(function_name="test-publish"))
        return answer

    poller = StreamPoller(mapping, streams, sqs, invoke, region)
    return ChangeEvents(poller, BusWatch(events, sqs, EVENT_BUS), dead_letters)
