"""Faults: throttling after the SDK's retries, cancelled transactions, SSM outages. Nothing half-written."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

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


def conflicting_first(times: int, meanwhile: Any = None):
    """A before-send handler cancelling the first `times` transactions with TransactionConflict (another
    transaction was writing one of their items), as DynamoDB does, then letting them reach moto; `meanwhile` runs
    once, just before the first transaction that reaches moto (another request's change winning the race)."""
    from moto.core.models import botocore_stubber

    conflict = failing_response(
        400, "TransactionCanceledException", {"CancellationReasons": [{"Code": "TransactionConflict"}]}
    )
    sent = []

    def respond(request: Any) -> Any:
        sent.append(request)
        if len(sent) <= times:
            return conflict(request)
        if meanwhile is not None and len(sent) == times + 1:
            meanwhile()
        return botocore_stubber(event_name="before-send.dynamodb.TransactWriteItems", request=request)

    respond.calls = sent
    return respond


def test_transactions_cancelled_only_by_conflicts_are_sent_again_and_applied_once(api, aws):
    """Two writes of one user at once meet on the user's totals: DynamoDB cancels one with TransactionConflict,
    which the SDK does not retry. The store sends it again; it was a 503 (or a 412 that was not one) before."""
    from workout_log.aws import dynamodb_client

    answers, calls = [], []
    for change in ("post", "patch", "delete"):
        conflicts = conflicting_first(2)
        with injected(dynamodb_client(), "TransactWriteItems", conflicts):
            if change == "post":
                answers.append(api.post(workout(userId="busy", distanceKm=2)))
                stored = answers[-1].body
            elif change == "patch":
                answers.append(api.patch(stored["workoutId"], {"caloriesBurned": 250}, if_match='"1"'))
            else:
                answers.append(api.delete(stored["workoutId"], if_match='"2"'))
        calls.append(len(conflicts.calls))

    assert [a.status for a in answers] == [201, 200, 204], [a.body for a in answers]
    assert calls == [3, 3, 3]
    assert workout_items(aws.workouts_table) == [] and consistent(aws) == []
    assert api.stats("busy").body["totalWorkouts"] == 0


def test_conflicts_that_do_not_end_are_a_503_and_change_nothing(api, aws):
    from workout_log.aws import dynamodb_client

    stored = api.post(workout(userId="busy")).body
    conflicts = conflicting_first(100)
    with injected(dynamodb_client(), "TransactWriteItems", conflicts):
        answer = api.patch(stored["workoutId"], {"caloriesBurned": 250})

    assert (answer.status, answer.headers.get("Retry-After")) == (503, "1"), answer.body
    after = api.get(f"/workouts/{stored['workoutId']}")
    assert (after.body, after.headers["ETag"]) == (stored, '"1"') and consistent(aws) == []


@pytest.mark.parametrize(
    ("if_match", "status", "notes"),
    [('"1"', 412, "theirs"), ("*", 200, "mine"), ('"1", "2"', 200, "mine"), (None, 200, "mine")],
)
def test_a_change_that_loses_a_race_checks_if_match_against_the_winner(api, aws, if_match, status, notes):
    """Another request changes the workout between this PATCH's read and its write. The store refuses the write
    (it is conditioned on the version read); the PATCH then reads the winner and checks If-Match against it: "1"
    no longer holds (412), while * and a list naming the new version do (they were a 412 before)."""
    import dataclasses

    import boto3

    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    stored = api.post(workout(userId="racer")).body
    other = DynamoDBWorkoutStore(boto3.client("dynamodb", region_name="us-east-1"), aws.workouts_table,
                                 aws.stats_table, aws.shards)  # fmt: skip

    def their_change() -> None:
        current = other.get_workout(stored["workoutId"])
        other.replace_workout(current, dataclasses.replace(current, notes="theirs", version=current.version + 1))

    with injected(dynamodb_client(), "TransactWriteItems", conflicting_first(0, meanwhile=their_change)):
        answer = api.patch(stored["workoutId"], {"notes": "mine"}, if_match=if_match)

    assert answer.status == status, answer.body
    after = api.get(f"/workouts/{stored['workoutId']}")
    assert (after.body["notes"], after.headers["ETag"]) == (notes, '"2"' if status == 412 else '"3"')
    assert consistent(aws) == []


def test_two_requests_that_make_the_same_change_are_never_taken_for_one(api, aws):
    """DynamoDB applies a TransactWriteItems once per ClientRequestToken (for ten minutes) and answers a repeat
    with success. Tokens derived from the change made two requests computing the same change at once share one,
    so the second was told it succeeded; every transaction sent now carries a token of its own."""
    import dataclasses

    import boto3

    from workout_log.aws import dynamodb_client
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    stored = api.post(workout(userId="twin")).body
    client = boto3.client("dynamodb", region_name="us-east-1")
    other = DynamoDBWorkoutStore(client, aws.workouts_table, aws.stats_table, aws.shards)
    tokens = []

    def record_token(request: Any, **_: Any) -> None:
        if request.headers.get("X-Amz-Target", b"").endswith(b"TransactWriteItems"):
            tokens.append(json.loads(request.body)["ClientRequestToken"])

    client.meta.events.register_first("before-send", record_token)
    dynamodb_client().meta.events.register_first("before-send", record_token)

    def the_same_change() -> None:
        current = other.get_workout(stored["workoutId"])
        other.replace_workout(current, dataclasses.replace(current, notes="same", version=current.version + 1))

    with injected(dynamodb_client(), "TransactWriteItems", conflicting_first(0, meanwhile=the_same_change)):
        answer = api.patch(stored["workoutId"], {"notes": "same"})

    assert (answer.status, answer.headers["ETag"], answer.body["notes"]) == (200, '"2"', "same")
    assert len(tokens) == 2 and len(set(tokens)) == 2, tokens
