"""An emulator extension for the least-privilege suite: IAM decisions per resource, as AWS makes them.

moto 5.2.5 authorises DynamoDB, DynamoDB Streams, SSM, KMS and EventBridge requests against resource "*", so a
policy scoped to a table's, stream's, key's or bus's ARN denies even its allowed actions, and it authorises
TransactWriteItems as one action that AWS does not have. `install()` makes it decide as AWS does ("Using IAM with
DynamoDB transactions" and the Service Authorization Reference): each request against the ARN of the table (or
`<table>/index/<name>` for an index), stream, parameter, key or event bus it names, and a transaction item by
item, as PutItem, UpdateItem, DeleteItem or ConditionCheckItem (GetItem for TransactGetItems) on that item's
table. (SQS already decides against the queue's ARN.) It changes nothing while IAM enforcement is off (moto's
default); the least-privilege suite turns enforcement on with POST "0" to /moto-api/reset-auth ("inf" turns it
off).

Loaded into the emulator's process with `EmulatorProcess(extensions=[EXTENSION])` (workout_local.emulator).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

EXTENSION = Path(__file__)

TRANSACTION_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def dynamodb_authorizations(action: str, body: dict[str, Any], arn_prefix: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one DynamoDB request."""

    def table(name: str) -> str:
        return name if name.startswith("arn:") else f"{arn_prefix}:table/{name}"

    if action in ("TransactWriteItems", "TransactGetItems"):
        return [
            (TRANSACTION_ITEM_ACTIONS[kind], table(operation["TableName"]))
            for item in body.get("TransactItems") or []
            for kind, operation in item.items()
        ]
    if action in ("BatchWriteItem", "BatchGetItem"):
        return [(action, table(name)) for name in body.get("RequestItems") or {}]
    if "TableName" in body:
        resource = table(body["TableName"])
        return [(action, f"{resource}/index/{body['IndexName']}" if body.get("IndexName") else resource)]
    return [(action, "*")]


def ssm_authorizations(action: str, params: dict[str, Any], arn_prefix: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one SSM request."""

    def parameter(name: str) -> str:
        return f"{arn_prefix}:parameter/{name.lstrip('/')}"

    if params.get("Name"):
        return [(action, parameter(params["Name"]))]
    if params.get("Names"):
        return [(action, parameter(name)) for name in params["Names"]]
    if params.get("Path"):
        return [(action, parameter(params["Path"]))]
    return [(action, "*")]


def kms_authorizations(action: str, key_id: str | None, arn_prefix: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one KMS request (a key id or ARN; aliases are not used)."""
    if not key_id:
        return [(action, "*")]
    return [(action, key_id if key_id.startswith("arn:") else f"{arn_prefix}:key/{key_id}")]


def streams_authorizations(action: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one DynamoDB Streams request: the stream's ARN, which
    GetRecords finds in its shard iterator (the emulator's iterators begin with it, as AWS's name the stream)."""
    if body.get("StreamArn"):
        return [(action, body["StreamArn"])]
    if body.get("ShardIterator"):
        return [(action, body["ShardIterator"].split("|", 1)[0])]
    return [(action, "*")]


def events_authorizations(action: str, body: dict[str, Any], arn_prefix: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one EventBridge request: PutEvents on each bus it names."""
    if action != "PutEvents":
        return [(action, "*")]
    named = {entry.get("EventBusName") or "default" for entry in body.get("Entries") or []}
    return [
        (action, bus) for bus in sorted(b if b.startswith("arn:") else f"{arn_prefix}:event-bus/{b}" for b in named)
    ]


def install() -> None:
    """Make moto authorise requests per resource (the module docstring). Idempotent."""
    import json

    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
    from moto.events.responses import EventsHandler
    from moto.iam.access_control import IAMRequest
    from moto.kms.responses import KmsResponse
    from moto.ssm.responses import SimpleSystemManagerResponse
    from moto.utilities.utils import get_partition

    if getattr(DynamoHandler, "resource_authorization", False):
        return

    def authorize_each(self: Any, pairs: list[tuple[str, str]]) -> None:
        for action, resource in pairs:
            # moto passes the request's own action name; AWS authorises the pair's (a transaction's item action).
            self._authenticate_and_authorize_action(functools.partial(request_for, action), resource)

    def request_for(item_action: str, **arguments: Any) -> IAMRequest:
        return IAMRequest(**{**arguments, "action": item_action})

    def arn_prefix(self: Any, service: str) -> str:
        return f"arn:{get_partition(self.region)}:{service}:{self.region}:{self.current_account}"

    def dynamodb(self: Any, resource: str = "*") -> None:
        body = self.body if isinstance(self.body, dict) else {}
        authorize_each(self, dynamodb_authorizations(self._get_action(), body, arn_prefix(self, "dynamodb")))

    def ssm(self: Any, resource: str = "*") -> None:
        params = {key: self._get_param(key) for key in ("Name", "Names", "Path")}
        authorize_each(self, ssm_authorizations(self._get_action(), params, arn_prefix(self, "ssm")))

    def kms(self: Any, resource: str = "*") -> None:
        authorize_each(self, kms_authorizations(self._get_action(), self._get_param("KeyId"), arn_prefix(self, "kms")))

    def body_of(self: Any) -> dict[str, Any]:
        body = self.body
        if isinstance(body, bytes | str):
            body = json.loads(body or "{}")
        return body if isinstance(body, dict) else {}

    def streams(self: Any, resource: str = "*") -> None:
        authorize_each(self, streams_authorizations(self._get_action(), body_of(self)))

    def events(self: Any, resource: str = "*") -> None:
        authorize_each(self, events_authorizations(self._get_action(), body_of(self), arn_prefix(self, "events")))

    DynamoDBStreamsHandler._authenticate_and_authorize_normal_action = streams
    EventsHandler._authenticate_and_authorize_normal_action = events
    DynamoHandler._authenticate_and_authorize_normal_action = dynamodb
    SimpleSystemManagerResponse._authenticate_and_authorize_normal_action = ssm
    KmsResponse._authenticate_and_authorize_normal_action = kms
    DynamoHandler.resource_authorization = True
