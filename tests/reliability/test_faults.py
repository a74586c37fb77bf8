"""Faults: throttling after the SDK's retries, cancelled transactions, SSM outages. Nothing half-written."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from support.handlers import JSON, workout
from support.inprocess import table_items, workout_items


class _Body:
    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **_: Any):
        yield self._payload


def failing_response(status: int, code: str, extra: dict | None = None):
    """A before-send handler answering like AWS would: the SDK parses it, retries it, then raises."""
    from botocore.awsrequest import AWSResponse

    calls = []

    def respond(request: Any) -> Any:
        calls.append(request)
        body = json.dumps(
            {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected", **(extra or {})}
        )
        return AWSResponse(request.url, status, {"x-amzn-ErrorType": code}, _Body(body.encode()))

    respond.calls = calls
    return respond


@contextlib.contextmanager
def injected(client: Any, operation: str, handler: Any) -> Iterator[None]:
    """Answer `operation` on this client with `handler`; everything else still reaches moto. botocore calls every
    before-send handler and keeps the first answer, so moto's stubber is replaced on this client by a dispatcher
    (registering beside it would still let moto apply the write)."""
    from moto.core.models import botocore_stubber

    def dispatch(event_name: str, request: Any, **kwargs: Any) -> Any:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        if target.endswith(f".{operation}"):
            return handler(request)
        return botocore_stubber(event_name=event_name, request=request, **kwargs)

    client.meta.events.unregister("before-send", botocore_stubber)
    client.meta.events.register("before-send", dispatch)
    try:
        yield
    finally:
        client.meta.events.unregister("before-send", dispatch)
        client.meta.events.register("before-send", botocore_stubber)


def consistent(names) -> list[str]:
    """Every user's aggregate equals the sum of that user's stored workouts, and vice versa."""
    workouts: dict[str, list[dict]] = {}
    for item in workout_items(names.workouts_table):
        workouts.setdefault(item["userId"]["S"], []).append(item)
    aggregates = {item["userId"]["S"]: item for item in table_items(names.stats_table)}
    problems = []
    for user in set(workouts) | set(aggregates):
        mine, aggregate = workouts.get(user, []), aggregates.get(user, {})
        counted = int(aggregate.get("totalWorkouts", {"N": "0"})["N"])
        calories = Decimal(aggregate.get("totalCaloriesBurned", {"N": "0"})["N"])
        if counted != len(mine) or calories != sum(Decimal(w["caloriesBurned"]["N"]) for w in mine):
            problems.append(f"{user}: {len(mine)} records, aggregate says {counted}")
    return problems


def test_throttling_after_sdk_retries_is_a_503_and_stores_nothing(api, aws):
    from workout_log.aws import dynamodb_client

    api.post(workout(userId="steady"))
    throttle = failing_response(400, "ProvisionedThroughputExceededException")
    with injected(dynamodb_client(), "TransactWriteItems", throttle):
        answer = api.post(workout(userId="steady"), headers={**JSON, "Idempotency-Key": "throttled"})

    assert answer.status == 503 and answer.headers["Retry-After"] == "1"
    assert len(throttle.calls) == 4, "the SDK's standard retry mode should have tried four times (three retries)"
    assert len(workout_items(aws.workouts_table)) == 1 and consistent(aws) == []

    retried = api.post(workout(userId="steady"), headers={**JSON, "Idempotency-Key": "throttled"})
    assert retried.status == 201, "a throttled request must release its Idempotency-Key"
    assert len(workout_items(aws.workouts_table)) == 2 and consistent(aws) == []


def test_a_transaction_cancelled_for_throttling_is_a_503(api, aws):
    from workout_log.aws import dynamodb_client

    cancelled = failing_response(
        400,
        "TransactionCanceledException",
        {"CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}]},
    )
    with injected(dynamodb_client(), "TransactWriteItems", cancelled):
        answer = api.post(workout())

    assert answer.status == 503 and "Retry-After" in answer.headers, answer.body
    assert cancelled.calls, "the injected cancellation was never used"
    assert workout_items(aws.workouts_table) == [] and table_items(aws.stats_table) == []


def test_ssm_down_after_a_good_read_serves_the_last_good_values(api, aws, monkeypatch):
    from aws_lambda_powertools.utilities.parameters import base

    monkeypatch.setenv("POWERTOOLS_PARAMETERS_MAX_AGE", "0")  # every request goes back to SSM
    assert api.post(workout()).status == 201
    outage = failing_response(500, "InternalServerError")
    with injected(base.DEFAULT_PROVIDERS["ssm"].client, "GetParameter", outage):
        answer = api.post(workout(caloriesBurned=50))

    assert answer.status == 201
    assert outage.calls, "SSM was not asked: the test did not exercise the outage"
    assert consistent(aws) == []


def test_ssm_down_on_a_cold_start_is_a_503_and_stores_nothing(api, aws):
    from aws_lambda_powertools.utilities.parameters import SSMProvider, base

    provider = SSMProvider()
    outage = failing_response(500, "InternalServerError")
    base.DEFAULT_PROVIDERS["ssm"] = provider
    with injected(provider.client, "GetParameter", outage):
        answer = api.post(workout())

    assert answer.status == 503 and answer.headers["Retry-After"] == "5"
    assert answer.body["error"]["code"] == "service_unavailable"
    assert workout_items(aws.workouts_table) == [] and table_items(aws.stats_table) == []


def test_the_emulator_rolls_back_a_transaction_that_fails_halfway(emulated):
    """A corrupted aggregate makes the Update half fail after the Put half ran: the emulator (item-level rollback)
    must leave no record without its aggregate."""
    from support.stack import running_local_stack

    with running_local_stack(emulated["dev"], log_level="WARNING") as stack:
        from support.http_client import request

        client = stack.emulator.client("dynamodb")
        assert request("POST", f"{stack.url}/workouts", workout(userId="corrupt")).status == 201
        client.update_item(
            TableName=stack.names.stats_table,
            Key={"userId": {"S": "corrupt"}},
            UpdateExpression="SET totalCaloriesBurned = :text",
            ExpressionAttributeValues={":text": {"S": "not a number"}},
        )

        answer = request("POST", f"{stack.url}/workouts", workout(userId="corrupt"))

        stored = client.query(
            TableName=stack.names.workouts_table,
            KeyConditionExpression="userId = :u",
            ExpressionAttributeValues={":u": {"S": "corrupt"}},
        )["Items"]
        aggregate = client.get_item(TableName=stack.names.stats_table, Key={"userId": {"S": "corrupt"}})["Item"]
    assert answer.status == 500
    assert len(stored) == 1
    assert aggregate["totalWorkouts"] == {"N": "1"}


def test_a_correction_or_deletion_throttled_after_retries_is_a_503_and_changes_nothing(api, aws):
    from workout_log.aws import dynamodb_client

    stored = api.post(workout(userId="steady", distanceKm=3)).body
    throttle = failing_response(400, "ProvisionedThroughputExceededException")
    with injected(dynamodb_client(), "TransactWriteItems", throttle):
        corrected = api.patch(stored["workoutId"], {"workoutType": "yoga", "distanceKm": None})
        deleted = api.delete(stored["workoutId"])

    assert (corrected.status, deleted.status) == (503, 503)
    assert corrected.headers["Retry-After"] == deleted.headers["Retry-After"] == "1"
    after = api.get(f"/workouts/{stored['workoutId']}")
    assert (after.body, after.headers["ETag"]) == (stored, '"1"')
    stats = api.stats("steady").body
    assert (stats["byType"], stats["totalDistanceKm"]) == ({"running": {"workouts": 1, "durationMinutes": 30,
                                                                      "caloriesBurned": 300}}, 3)  # fmt: skip
    assert consistent(aws) == []


def test_kms_down_on_a_cold_start_is_a_503_for_the_pages_that_need_a_token(api, aws):
    from workout_log.aws import kms_client

    for day in range(1, 4):
        api.post(workout(userId="pager", workoutTimestamp=f"2026-01-0{day}T08:00:00Z"))
    outage = failing_response(500, "KMSInternalException")
    with injected(kms_client(), "GenerateMac", outage):
        last_page = api.get("/workouts", "userId=pager&limit=10")
        needs_a_token = api.get("/workouts", "userId=pager&limit=1")

    assert last_page.status == 200 and last_page.body["nextToken"] is None, "a single page needs no key"
    assert (needs_a_token.status, needs_a_token.headers["Retry-After"]) == (503, "5"), needs_a_token.body
    assert outage.calls
